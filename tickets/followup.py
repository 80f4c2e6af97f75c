"""The pokja's follow-up (tindak lanjut) and, on an agency that requires it, the head's
approval of the answer; publishing the answer is portal.publishing.

With approval on (``Pokja.approval_required``), a pokja's answer is an
:class:`~tickets.models.AnswerDraft`: the ticket stays with the pokja, its follow-up
clock running, and nothing reaches the reporter (no message, no status line, no
``/lacak``, nothing public: all of them read only answered tickets) until the head
approves, as written or edited. The head may return it with a note, or answer directly.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tickets import concurrency, events
from tickets.clock import utcnow
from tickets.errors import IllegalTransition, InvalidInput, PermissionDenied
from tickets.lifecycle import AT_POKJA, Actor, Principal, record_event, transition
from tickets.models import AnswerDraft, DraftState, Role, Status, Ticket
from tickets.permissions import require_pokja_of, require_role, viewable_ticket
from tickets.text import clean_text

MAX_ANSWER = 4_000
MAX_NOTE = 2_000


def _followup_ticket(session: Session, user: Principal, number: str, version: int | None,
                     tz: str) -> Ticket:
    require_role(user, Role.POKJA, Role.HEAD, Role.SUPERVISOR)
    ticket = viewable_ticket(session, user, number)
    require_pokja_of(user, ticket)
    events.publish(session, events.PokjaActing(ticket.id, user.id, str(user.role)))
    concurrency.check_version(session, ticket, version, tz)
    return ticket


def _answer_text(text: str | None) -> str:
    return clean_text(text, field="answer", max_len=MAX_ANSWER, label="Jawaban")


def pending_draft(session: Session, ticket: Ticket) -> AnswerDraft | None:
    """The draft answer of ``ticket`` waiting for the head, if any."""
    return session.scalar(select(AnswerDraft).where(
        AnswerDraft.ticket_id == ticket.id, AnswerDraft.state == DraftState.PENDING))


def needs_approval(ticket: Ticket, user: Principal) -> bool:
    """A pokja admin's answer waits for the head when the agency says so; the head's own
    answer, and a supervisor's (an escalated ticket is theirs), go out directly."""
    return (ticket.pokja is not None and bool(ticket.pokja.approval_required)
            and user.role is Role.POKJA)


def _not_waiting(session: Session, ticket: Ticket) -> None:
    if pending_draft(session, ticket) is not None:
        raise IllegalTransition(
            "Jawaban tiket ini sedang menunggu persetujuan pimpinan OPD; tunggu keputusannya.")


def start_progress(session: Session, user: Principal, number: str, *, version: int | None,
                   tz: str) -> Ticket:
    ticket = _followup_ticket(session, user, number, version, tz)
    transition(session, ticket, Status.IN_PROGRESS, Actor.of(user),
               "Pokja mulai menindaklanjuti.", tz=tz)
    concurrency.flush(session, ticket, tz)
    return ticket


def save_answer_draft(session: Session, user: Principal, number: str, text: str, *,
                      version: int | None, tz: str) -> Ticket:
    ticket = _followup_ticket(session, user, number, version, tz)
    if ticket.status not in AT_POKJA:
        raise InvalidInput("answer", "Jawaban hanya dapat diubah selama tiket ditindaklanjuti.")
    _not_waiting(session, ticket)
    answer = _answer_text(text)
    if answer != (ticket.answer or ""):
        ticket.answer = answer or None
        record_event(session, ticket, Actor.of(user), "edit", "Draf jawaban disimpan.")
    concurrency.flush(session, ticket, tz)
    return ticket


def _send_answer(session: Session, ticket: Ticket, user: Principal, reply: str, note: str,
                 tz: str) -> None:
    ticket.answer = reply
    transition(session, ticket, Status.ANSWERED, Actor.of(user), note, tz=tz)


def answer(session: Session, user: Principal, number: str, text: str, *, version: int | None,
           tz: str) -> Ticket:
    """The follow-up answer: what the caller hears on the status line (unless rahasia).
    On an agency with approval on, a pokja's answer becomes a draft for the head."""
    ticket = _followup_ticket(session, user, number, version, tz)
    reply = _answer_text(text)
    if not reply:
        raise InvalidInput("answer", "Jawaban tindak lanjut wajib diisi.")
    waiting = pending_draft(session, ticket)
    if needs_approval(ticket, user):
        if ticket.status not in AT_POKJA:
            raise IllegalTransition("Tiket ini tidak sedang ditindaklanjuti.")
        _not_waiting(session, ticket)
        _submit(session, ticket, user, reply, tz)
    else:
        if waiting is not None:  # the head answers directly: the waiting draft is decided
            _decide(waiting, user, DraftState.APPROVED, approved_text=reply)
        _send_answer(session, ticket, user, reply, (
            "Jawaban tindak lanjut dikirim oleh pimpinan OPD." if user.role is Role.HEAD
            else "Jawaban tindak lanjut dikirim."), tz)
    concurrency.flush(session, ticket, tz)
    return ticket


def _submit(session: Session, ticket: Ticket, user: Principal, reply: str, tz: str) -> None:
    assert ticket.pokja_id is not None
    if ticket.status is Status.FORWARDED:
        transition(session, ticket, Status.IN_PROGRESS, Actor.of(user),
                   "Pokja mulai menindaklanjuti.", tz=tz)
    ticket.answer = reply  # the pokja's working text; told to nobody before approval
    ticket.updated_at = utcnow()  # a new version: forms opened before are stale
    draft = AnswerDraft(ticket_id=ticket.id, pokja_id=ticket.pokja_id, text=reply,
                        submitted_by_id=user.id, submitted_at=utcnow())
    session.add(draft)
    record_event(session, ticket, Actor.of(user), "approval",
                 "Jawaban diajukan untuk persetujuan pimpinan OPD.")
    session.flush()
    events.publish(session, events.DraftSubmitted(draft.id))


def _decide(draft: AnswerDraft, user: Principal, state: DraftState, *,
            note: str | None = None, approved_text: str | None = None) -> None:
    draft.state = state
    draft.decided_by_id = user.id
    draft.decided_at = utcnow()
    draft.decision_note = note
    draft.approved_text = approved_text


def _head_ticket(session: Session, user: Principal, number: str, version: int | None,
                 tz: str) -> tuple[Ticket, AnswerDraft]:
    require_role(user, Role.HEAD)
    ticket = viewable_ticket(session, user, number)
    concurrency.check_version(session, ticket, version, tz)
    draft = pending_draft(session, ticket)
    if draft is None:
        raise IllegalTransition("Tidak ada jawaban yang menunggu persetujuan pada tiket ini.")
    if draft.pokja_id != user.pokja_id:
        raise PermissionDenied("Hanya pimpinan OPD tujuan yang dapat menyetujui jawaban ini.")
    return ticket, draft


def approve(session: Session, user: Principal, number: str, text: str | None = None, *,
            version: int | None, tz: str) -> Ticket:
    """The head approves the draft, as written or as edited in ``text``: now, and only
    now, the reporter is told (the answered transition's listeners)."""
    ticket, draft = _head_ticket(session, user, number, version, tz)
    final = _answer_text(text if text is not None else draft.text)
    if not final:
        raise InvalidInput("answer", "Jawaban tindak lanjut wajib diisi.")
    edited = final != draft.text
    _decide(draft, user, DraftState.APPROVED, approved_text=final if edited else None)
    _send_answer(session, ticket, user, final,
                 "Jawaban disunting dan disetujui pimpinan OPD." if edited
                 else "Jawaban disetujui pimpinan OPD.", tz)
    concurrency.flush(session, ticket, tz)
    return ticket


def return_draft(session: Session, user: Principal, number: str, note: str, *,
                 version: int | None, tz: str) -> Ticket:
    """The head sends the draft back to the pokja with a note; the clock keeps running."""
    ticket, draft = _head_ticket(session, user, number, version, tz)
    text = (note or "").replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInput("note", "Tuliskan catatan untuk pokja.")
    if len(text) > MAX_NOTE:
        raise InvalidInput("note", f"Catatan terlalu panjang (maksimal {MAX_NOTE} karakter).")
    _decide(draft, user, DraftState.RETURNED, note=text)
    record_event(session, ticket, Actor.of(user), "approval",
                 f"Draf jawaban dikembalikan pimpinan OPD: {text}")
    ticket.updated_at = utcnow()
    concurrency.flush(session, ticket, tz)
    events.publish(session, events.DraftReturned(draft.id))
    return ticket


def approval_queue(session: Session, user: Principal) -> list[AnswerDraft]:
    """The head's drafts awaiting approval, oldest first."""
    require_role(user, Role.HEAD)
    return list(session.scalars(select(AnswerDraft).where(
        AnswerDraft.pokja_id == user.pokja_id, AnswerDraft.state == DraftState.PENDING)
        .order_by(AnswerDraft.submitted_at, AnswerDraft.id)))


def waiting_since(session: Session, ticket: Ticket) -> datetime | None:
    draft = pending_draft(session, ticket)
    return draft.submitted_at if draft else None


def return_to_callcentre(session: Session, user: Principal, number: str, note: str,
                         *, version: int | None, tz: str) -> Ticket:
    """Wrong pokja or missing facts: the call centre verifies the ticket again."""
    ticket = _followup_ticket(session, user, number, version, tz)
    _not_waiting(session, ticket)
    text = clean_text(note, field="note", max_len=MAX_NOTE, label="Alasan pengembalian")
    if not text:
        raise InvalidInput("note", "Tuliskan alasan pengembalian ke call center.")
    transition(session, ticket, Status.AWAITING_VERIFICATION, Actor.of(user),
               f"Dikembalikan ke call center: {text}", tz=tz)
    ticket.status_note = text
    concurrency.flush(session, ticket, tz)
    return ticket
