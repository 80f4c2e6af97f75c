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
from tickets.models import (
    REJECT_LABELS,
    STATUS_LABELS,
    Call,
    Category,
    Channel,
    RejectReason,
    Status,
    Ticket,
    TranscriptionStatus,
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
    events.publish(session, events.ComplaintText(ticket, description or "", "pengaduan"))
    return ticket


@dataclass(frozen=True)
class RejectionNotice:
    """What the reporter of a rejected ticket is told (status line and SMS), so that a
    rejection is not a dead end: a duplicate points to the original ticket, any other
    rejection gives its reason and the call centre's message for the reporter."""

    reason: RejectReason | None
    reason_label: str
    # The original's number; None when it may not be told (the original is rahasia).
    duplicate_of: str | None = None
    # Ticket.reporter_message, never for a rahasia ticket (it may speak of the content).
    message: str | None = None

    @property
    def duplicate(self) -> bool:
        return self.reason is RejectReason.DUPLICATE


def rejection_notice(session: Session, ticket: Ticket) -> RejectionNotice | None:
    """What the reporter of ``ticket`` may learn about its rejection; None if not rejected.

    The operator's own note (``status_note``, the audit trail) is never told: it is
    written for colleagues. Only ``reporter_message``, written for the reporter, is.
    """
    if ticket.status != Status.REJECTED:
        return None
    reason = ticket.reject_reason
    label = REJECT_LABELS[reason] if reason else STATUS_LABELS[Status.REJECTED]
    original = None
    if reason is RejectReason.DUPLICATE and ticket.duplicate_of_id is not None:
        found = session.get(Ticket, ticket.duplicate_of_id)
        # A rahasia original is not pointed to: its number would lead a stranger to it.
        original = found.number if found is not None and not found.rahasia else None
    message = None if ticket.rahasia else (ticket.reporter_message or "").strip() or None
    return RejectionNotice(reason, label, original, message)


@dataclass(frozen=True)
class StatusReport:
    """What the status line, a status message and ``/lacak`` may tell about a ticket.

    ``full`` when the asker proved to be the reporter (calling or writing from the
    reporter's number, or giving its last four digits): then the pokja, the answer (not
    of a rahasia ticket, published or not) and a rejection's reason, message and original
    ticket. Otherwise the status alone, and ``verifiable`` says whether asking for the
    last four digits could prove it (the ticket has a reporter's number)."""

    number: str
    status: Status
    pokja_name: str | None = None
    answer: str | None = None  # only when answered and not rahasia
    rejection: RejectionNotice | None = None  # only when rejected
    full: bool = True
    verifiable: bool = False

    @property
    def closed(self) -> bool:
        return self.status is Status.CLOSED

    @property
    def answered(self) -> bool:
        return self.status is Status.ANSWERED


class InvalidNumber(InvalidInput):
    def __init__(self) -> None:
        super().__init__("number", "Nomor tiket tidak valid.")


def last_four(phone: str | None) -> str | None:
    digits = "".join(c for c in phone or "" if c.isdigit())
    return digits[-4:] if len(digits) >= 4 else None


def proves_reporter(ticket: Ticket, *, phone: str | None = None,
                    last_digits: str | None = None) -> bool:
    """The second factor: the asker's own number is the reporter's, or they know its last
    four digits. A ticket without a reporter's number has no second factor."""
    if ticket.reporter_phone is None:
        return False
    if phone is not None and caller_number(phone) == ticket.reporter_phone:
        return True
    digits = (last_digits or "").strip()
    return len(digits) == 4 and digits.isdigit() and digits == last_four(ticket.reporter_phone)


def report_for(session: Session, ticket: Ticket, *, full: bool) -> StatusReport:
    if not full:
        return StatusReport(ticket.number, Status(ticket.status), full=False,
                            verifiable=last_four(ticket.reporter_phone) is not None)
    answer = None
    if ticket.status in WITH_ANSWER and not ticket.rahasia:
        answer = ticket.answer or None
    pokja_name = ticket.pokja.name if ticket.pokja and ticket.status in SEEN_BY_POKJA else None
    return StatusReport(ticket.number, Status(ticket.status), pokja_name, answer,
                        rejection_notice(session, ticket))


def status_report(session: Session, number: str, *, phone: str | None = None,
                  last_digits: str | None = None) -> StatusReport:
    """The status of ticket ``number``, in full for its proven reporter (see
    :class:`StatusReport`). Raise InvalidNumber for a typo (bad check digit), NotFound
    for an unknown number."""
    if not numbering.is_valid(number):
        raise InvalidNumber()
    ticket = ticket_by_number(session, number)
    full = proves_reporter(ticket, phone=phone, last_digits=last_digits)
    return report_for(session, ticket, full=full)


def ticket_for_reporter(session: Session, number: str, phone: str | None) -> Ticket | None:
    """The ticket ``number`` if ``phone`` is the number its reporter called from."""
    phone = caller_number(phone)
    if not phone or not numbering.is_valid(number):
        return None
    ticket = find_ticket(session, number)
    return ticket if ticket is not None and ticket.reporter_phone == phone else None


def may_stop_contact(session: Session, number: str, phone: str | None) -> bool:
    """Whether the caller at ``phone`` may stop the updates about ticket ``number``: its
    reporter, calling from the reporter's number, who has not stopped them already."""
    ticket = ticket_for_reporter(session, number, phone)
    return ticket is not None and not ticket.contact_opt_out


def stop_contact_for_reporter(session: Session, number: str, phone: str | None) -> bool:
    """:func:`stop_contact` for the caller at ``phone`` if :func:`may_stop_contact`; False
    (nothing done) otherwise."""
    ticket = ticket_for_reporter(session, number, phone)
    if ticket is None or ticket.contact_opt_out:
        return False
    stop_contact(session, ticket)
    return True


def find_ticket(session: Session, number: str) -> Ticket | None:
    """The ticket ``number`` (spaces around it ignored), None when there is none: for
    the public edges, which must not tell an unknown number from one they may not show."""
    return session.scalar(select(Ticket).where(Ticket.number == number.strip()))


def ticket_by_number(session: Session, number: str) -> Ticket:
    """The ticket ``number``; NotFound (with an Indonesian message) when there is none."""
    ticket = find_ticket(session, number)
    if ticket is None:
        raise NotFound(f"Tiket {number.strip()} tidak ditemukan.")
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
