"""Creating tickets, finding one by its number, and what the status line may tell."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tickets import events, numbering, sla
from tickets.clock import utcnow
from tickets.contacts import caller_number
from tickets.errors import InvalidInput, NotFound
from tickets.lifecycle import SEEN_BY_POKJA, SYSTEM, WITH_ANSWER, Actor, record_event
from tickets.models import Call, Category, Channel, Status, Ticket, TranscriptionStatus


def _new_unique_number(session: Session) -> str:
    for _ in range(50):
        number = numbering.new_number()
        if session.scalar(select(Ticket.id).where(Ticket.number == number)) is None:
            return number
    raise RuntimeError("could not find a free ticket number")


def create_ticket(
    session: Session,
    *,
    channel: Channel,
    actor: Actor,
    tz: str,
    category: Category | None = None,
    anonim: bool = False,
    rahasia: bool = False,
    reporter_name: str | None = None,
    reporter_phone: str | None = None,
    location: str | None = None,
    description: str | None = None,
    call: Call | None = None,
    status: Status = Status.AWAITING_VERIFICATION,
    transcription_status: TranscriptionStatus = TranscriptionStatus.NONE,
    note: str | None = None,
) -> Ticket:
    """Create a ticket with its first audit event. The caller commits."""
    now = utcnow()
    ticket = Ticket(
        number=_new_unique_number(session),
        status=status,
        channel=channel,
        call=call,
        category=category,
        pokja_id=category.pokja_id if category else None,
        anonim=anonim,
        rahasia=rahasia,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        location=location,
        description=description,
        transcription_status=transcription_status,
        created_at=now,
        updated_at=now,
        verify_due_at=sla.due_after(now, sla.VERIFY_DAYS, tz),
    )
    session.add(ticket)
    record_event(session, ticket, actor, "created", note, to_status=status)
    return ticket


@dataclass(frozen=True)
class StatusReport:
    """What the status line may tell a caller about a ticket."""

    number: str
    status: Status
    pokja_name: str | None
    answer: str | None  # only when answered and not rahasia


class InvalidNumber(InvalidInput):
    def __init__(self) -> None:
        super().__init__("number", "Nomor tiket tidak valid.")


def status_report(session: Session, number: str) -> StatusReport:
    """Raise InvalidNumber for a typo (bad check digit), NotFound for an unknown number."""
    if not numbering.is_valid(number):
        raise InvalidNumber()
    ticket = ticket_by_number(session, number)
    answer = None
    if ticket.status in WITH_ANSWER and not ticket.rahasia:
        answer = ticket.answer or None
    pokja_name = ticket.pokja.name if ticket.pokja and ticket.status in SEEN_BY_POKJA else None
    return StatusReport(ticket.number, Status(ticket.status), pokja_name, answer)


def ticket_for_reporter(session: Session, number: str, phone: str | None) -> Ticket | None:
    """The ticket ``number`` if ``phone`` is the number its reporter called from."""
    phone = caller_number(phone)
    if not phone or not numbering.is_valid(number):
        return None
    try:
        ticket = ticket_by_number(session, number)
    except NotFound:
        return None
    return ticket if ticket.reporter_phone == phone else None


def ticket_by_number(session: Session, number: str) -> Ticket:
    """The ticket ``number``; NotFound (with an Indonesian message) when there is none."""
    number = number.strip()
    ticket = session.scalar(select(Ticket).where(Ticket.number == number))
    if ticket is None:
        raise NotFound(f"Tiket {number} tidak ditemukan.")
    return ticket


def stop_contact(session: Session, ticket: Ticket) -> None:
    """The reporter wants no more messages about ``ticket`` (the status line's key 3);
    messages not yet sent are cancelled by the listener of ContactOptedOut."""
    if ticket.contact_opt_out:
        return
    ticket.contact_opt_out = True
    record_event(session, ticket, SYSTEM, "edit",
                 "Pelapor memilih tidak menerima pemberitahuan.", internal=True)
    session.flush()
    events.publish(session, events.ContactOptedOut(ticket))
