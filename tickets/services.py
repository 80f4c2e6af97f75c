"""Services that create tickets and answer the status line.

Webhooks can be delivered twice, so everything keyed on Twilio's ids here is
get-or-create: a second delivery returns what the first one made.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Executable, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tickets import numbering, sla
from tickets.db import utcnow
from tickets.errors import InvalidInput, NotFound
from tickets.lifecycle import CALLER, SYSTEM, Actor, record_event
from tickets.models import (
    Call,
    Category,
    Channel,
    Recording,
    Status,
    Ticket,
    TranscriptionStatus,
)


def start_call(
    session: Session, call_sid: str, from_number: str | None, to_number: str | None
) -> Call:
    call = session.scalar(select(Call).where(Call.call_sid == call_sid))
    if call is not None:
        return call
    call = Call(call_sid=call_sid, from_number=from_number, to_number=to_number)
    session.add(call)
    try:
        session.commit()
    except IntegrityError:  # the same webhook, delivered twice at once
        session.rollback()
        call = session.scalars(select(Call).where(Call.call_sid == call_sid)).one()
    return call


def register_call(
    session: Session, call_sid: str, from_number: str | None, to_number: str | None
) -> None:
    """Record that a call came in; a repeated delivery changes nothing.

    One INSERT .. ON CONFLICT DO NOTHING: the greeting webhook is the hottest path,
    so it skips the look-up that :func:`start_call` does.
    """
    dialect = session.get_bind().dialect.name
    values = {"call_sid": call_sid, "from_number": from_number, "to_number": to_number,
              "started_at": utcnow(), "anonim": False}
    stmt: Executable
    if dialect == "postgresql":
        stmt = pg_insert(Call).values(**values).on_conflict_do_nothing(
            index_elements=[Call.call_sid])
    elif dialect == "sqlite":
        stmt = sqlite_insert(Call).values(**values).on_conflict_do_nothing(
            index_elements=[Call.call_sid])
    else:
        start_call(session, call_sid, from_number, to_number)
        return
    session.execute(stmt)
    session.commit()


def get_call(session: Session, call_sid: str) -> Call | None:
    return session.scalar(select(Call).where(Call.call_sid == call_sid))


def ivr_categories(session: Session) -> list[Category]:
    """The categories offered in the voice menu, in key order."""
    return list(
        session.scalars(
            select(Category)
            .where(Category.active.is_(True), Category.ivr_digit.is_not(None))
            .order_by(Category.ivr_digit)
        )
    )


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


def file_phone_complaint(
    session: Session,
    call_sid: str,
    *,
    tz: str,
    transcription: TranscriptionStatus = TranscriptionStatus.PENDING,
    note: str | None = None,
) -> tuple[Ticket, Recording, bool]:
    """Turn the call's pending recording into a ticket; idempotent per call and recording.

    Returns the ticket, its recording, and whether this call created them.
    """
    call = session.scalar(select(Call).where(Call.call_sid == call_sid))
    if call is None or call.pending_recording_sid is None:
        raise NotFound("Panggilan ini belum memiliki rekaman.")
    existing = session.scalar(
        select(Recording).where(Recording.recording_sid == call.pending_recording_sid)
    )
    if existing is not None:
        return existing.ticket, existing, False
    ticket = session.scalar(select(Ticket).where(Ticket.call_id == call.id))
    if ticket is None:
        ticket = create_ticket(
            session,
            channel=Channel.PHONE,
            actor=CALLER,
            tz=tz,
            category=session.get(Category, call.category_id) if call.category_id else None,
            anonim=call.anonim,
            reporter_phone=call.from_number,
            call=call,
            status=Status.RECORDED,
            transcription_status=transcription,
            note=note,
        )
    recording = Recording(
        ticket=ticket,
        recording_sid=call.pending_recording_sid,
        source_url=call.pending_recording_url,
        duration_seconds=call.pending_recording_duration,
    )
    session.add(recording)
    try:
        session.commit()
    except IntegrityError:  # a concurrent duplicate delivery won the race
        session.rollback()
        recording = session.scalars(
            select(Recording).where(Recording.recording_sid == call.pending_recording_sid)
        ).one()
        return recording.ticket, recording, False
    return ticket, recording, True


def file_abandoned_recording(
    session: Session, call_sid: str, *, tz: str
) -> tuple[Ticket, Recording, bool] | None:
    """The caller hung up after recording but before confirming: keep the complaint."""
    call = get_call(session, call_sid)
    if call is None:
        return None
    call.ended_at = call.ended_at or utcnow()
    if call.pending_recording_sid is None:
        session.commit()
        return None
    return file_phone_complaint(
        session, call_sid, tz=tz,
        note="Penelepon menutup telepon sebelum mengonfirmasi rekaman.",
    )


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
    ticket = session.scalar(select(Ticket).where(Ticket.number == number))
    if ticket is None:
        raise NotFound(f"Tiket {number} tidak ditemukan.")
    answer = None
    if ticket.status in (Status.ANSWERED, Status.CLOSED) and not ticket.rahasia:
        answer = ticket.answer or None
    pokja_name = ticket.pokja.name if ticket.pokja and ticket.status in (
        Status.FORWARDED, Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED
    ) else None
    return StatusReport(ticket.number, Status(ticket.status), pokja_name, answer)


def ticket_for_reporter(session: Session, number: str, phone: str | None) -> Ticket | None:
    """The ticket ``number`` if ``phone`` is the number its reporter called from."""
    if not phone or not numbering.is_valid(number):
        return None
    ticket = session.scalar(select(Ticket).where(Ticket.number == number))
    return ticket if ticket is not None and ticket.reporter_phone == phone else None


__all__ = [
    "SYSTEM",
    "StatusReport",
    "create_ticket",
    "file_abandoned_recording",
    "file_phone_complaint",
    "ivr_categories",
    "register_call",
    "start_call",
    "status_report",
    "ticket_for_reporter",
]
