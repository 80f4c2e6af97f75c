"""The pokja's follow-up (tindak lanjut); publishing the answer is portal.publishing."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tickets import concurrency, events
from tickets.errors import InvalidInput
from tickets.lifecycle import AT_POKJA, Actor, Principal, record_event, transition
from tickets.models import Role, Status, Ticket
from tickets.permissions import require_pokja_of, require_role, viewable_ticket
from tickets.text import clean_text

MAX_ANSWER = 4_000
MAX_NOTE = 10_000


def _followup_ticket(session: Session, user: Principal, number: str, version: int | None,
                     tz: str) -> Ticket:
    require_role(user, Role.POKJA, Role.SUPERVISOR)
    ticket = viewable_ticket(session, user, number)
    require_pokja_of(user, ticket)
    events.publish(session, events.PokjaActing(ticket.id, user.id, str(user.role)))
    concurrency.check_version(session, ticket, version, tz)
    return ticket


def _answer_text(text: str | None) -> str:
    return clean_text(text, field="answer", max_len=MAX_ANSWER, label="Jawaban")


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
    answer = _answer_text(text)
    if answer != (ticket.answer or ""):
        ticket.answer = answer or None
        record_event(session, ticket, Actor.of(user), "edit", "Draf jawaban disimpan.")
    concurrency.flush(session, ticket, tz)
    return ticket


def answer(session: Session, user: Principal, number: str, text: str, *, version: int | None,
           tz: str) -> Ticket:
    """The follow-up answer: what the caller hears on the status line (unless rahasia)."""
    ticket = _followup_ticket(session, user, number, version, tz)
    reply = _answer_text(text)
    if not reply:
        raise InvalidInput("answer", "Jawaban tindak lanjut wajib diisi.")
    ticket.answer = reply
    transition(session, ticket, Status.ANSWERED, Actor.of(user), "Jawaban tindak lanjut dikirim.",
               tz=tz)
    concurrency.flush(session, ticket, tz)
    return ticket


def return_to_callcentre(session: Session, user: Principal, number: str, note: str,
                         *, version: int | None, tz: str) -> Ticket:
    """Wrong pokja or missing facts: the call centre verifies the ticket again."""
    ticket = _followup_ticket(session, user, number, version, tz)
    text = clean_text(note, field="note", max_len=MAX_NOTE, label="Alasan pengembalian")
    if not text:
        raise InvalidInput("note", "Tuliskan alasan pengembalian ke call center.")
    transition(session, ticket, Status.AWAITING_VERIFICATION, Actor.of(user),
               f"Dikembalikan ke call center: {text}", tz=tz)
    ticket.status_note = text
    concurrency.flush(session, ticket, tz)
    return ticket
