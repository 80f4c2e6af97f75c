"""The pokja's follow-up (tindak lanjut) and the supervisor's publishing of answers."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tickets.access import require_pokja_of, require_role, viewable_ticket
from tickets.errors import InvalidInput, PermissionDenied
from tickets.lifecycle import Actor, record_event, transition
from tickets.models import Role, Status, Ticket, User

MAX_ANSWER = 4_000


def _followup_ticket(session: Session, user: User, number: str) -> Ticket:
    require_role(user, Role.POKJA, Role.SUPERVISOR)
    ticket = viewable_ticket(session, user, number)
    require_pokja_of(user, ticket)
    return ticket


def _answer_text(text: str | None) -> str:
    answer = (text or "").replace("\r\n", "\n").strip()
    if len(answer) > MAX_ANSWER:
        raise InvalidInput("answer", f"Jawaban terlalu panjang (maksimal {MAX_ANSWER} karakter).")
    return answer


def start_progress(session: Session, user: User, number: str, *, tz: str) -> Ticket:
    ticket = _followup_ticket(session, user, number)
    transition(session, ticket, Status.IN_PROGRESS, Actor.of(user),
               "Pokja mulai menindaklanjuti.", tz=tz)
    session.commit()
    return ticket


def save_answer_draft(session: Session, user: User, number: str, text: str) -> Ticket:
    ticket = _followup_ticket(session, user, number)
    if ticket.status not in (Status.FORWARDED, Status.IN_PROGRESS):
        raise InvalidInput("answer", "Jawaban hanya dapat diubah selama tiket ditindaklanjuti.")
    answer = _answer_text(text)
    if answer != (ticket.answer or ""):
        ticket.answer = answer or None
        record_event(session, ticket, Actor.of(user), "edit", "Draf jawaban disimpan.")
    session.commit()
    return ticket


def answer(session: Session, user: User, number: str, text: str, *, tz: str) -> Ticket:
    """The follow-up answer: what the caller hears on the status line (unless rahasia)."""
    ticket = _followup_ticket(session, user, number)
    reply = _answer_text(text)
    if not reply:
        raise InvalidInput("answer", "Jawaban tindak lanjut wajib diisi.")
    ticket.answer = reply
    transition(session, ticket, Status.ANSWERED, Actor.of(user), "Jawaban tindak lanjut dikirim.",
               tz=tz)
    session.commit()
    return ticket


def return_to_callcentre(session: Session, user: User, number: str, note: str,
                         *, tz: str) -> Ticket:
    """Wrong pokja or missing facts: the call centre verifies the ticket again."""
    ticket = _followup_ticket(session, user, number)
    text = (note or "").strip()
    if not text:
        raise InvalidInput("note", "Tuliskan alasan pengembalian ke call center.")
    transition(session, ticket, Status.AWAITING_VERIFICATION, Actor.of(user),
               f"Dikembalikan ke call center: {text}", tz=tz)
    ticket.status_note = text
    session.commit()
    return ticket


def publish_answer(session: Session, user: User, number: str) -> Ticket:
    require_role(user, Role.SUPERVISOR)
    ticket = viewable_ticket(session, user, number)
    if ticket.rahasia:
        raise PermissionDenied("Tiket rahasia tidak pernah dipublikasikan.")
    if ticket.status not in (Status.ANSWERED, Status.CLOSED) or not ticket.answer:
        raise InvalidInput("publish", "Hanya jawaban yang sudah dikirim yang dapat dipublikasikan.")
    if not ticket.answer_published:
        ticket.answer_published = True
        record_event(session, ticket, Actor.of(user), "edit", "Jawaban dipublikasikan.")
    session.commit()
    return ticket
