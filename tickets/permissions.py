"""Who may see and do what with a ticket. Checked in the domain, whatever the caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from tickets import concurrency, privacy
from tickets.errors import NotFound, PermissionDenied
from tickets.lifecycle import AT_DESK, SEEN_BY_POKJA, Principal
from tickets.models import Role, Status, Ticket, TicketEvent
from tickets.services import ticket_by_number

DESK_ROLES = frozenset({Role.OPERATOR, Role.SUPERVISOR})
# The roles that belong to one pokja (OPD) and see only its tickets: its admins and its head.
AGENCY_ROLES = frozenset({Role.POKJA, Role.HEAD})


def require_role(user: Principal, *roles: Role) -> None:
    if not user.active or user.role not in roles:
        raise PermissionDenied("Anda tidak memiliki hak untuk tindakan ini.")


def can_view(user: Principal, ticket: Ticket) -> bool:
    if not user.active:
        return False
    if user.role in DESK_ROLES:
        return True
    if user.role is Role.LEADERSHIP:
        return True  # the regional leadership reads every ticket; it acts on none
    if user.role in AGENCY_ROLES:
        return (user.pokja_id is not None and ticket.pokja_id == user.pokja_id
                and ticket.status in SEEN_BY_POKJA)
    return False


def can_see_reporter(user: Principal, ticket: Ticket) -> bool:
    """Anonim hides the reporter from the pokja: name, phone, and the voice and words
    of the recording (which often say the name). The pokja works from the verified text."""
    return user.role in DESK_ROLES or not ticket.anonim


def can_hear_recording(user: Principal, ticket: Ticket) -> bool:
    """The recording of an anonim ticket says the caller's voice and usually their name:
    the pokja hears it only when the call centre opened it (``TicketPrivacy``)."""
    if can_see_reporter(user, ticket):
        return True
    opened = ticket.privacy is not None and ticket.privacy.recording_for_pokja
    return opened and user.role is Role.POKJA and can_view(user, ticket)


def viewable_ticket(session: Session, user: Principal, number: str) -> Ticket:
    """The ticket ``number`` if ``user`` may see it. Another pokja's ticket is answered as
    a missing one, word for word: an outsider learns nothing, not even that it exists."""
    ticket = ticket_by_number(session, number)
    if not can_view(user, ticket):
        raise NotFound(f"Tiket {number.strip()} tidak ditemukan.")
    return ticket


def desk_ticket(session: Session, user: Principal, number: str, version: int | None,
                tz: str) -> Ticket:
    """The ticket a call-centre form acts on: ``user`` works the desk and the form was
    rendered from the ticket's current ``version`` (None: no form, e.g. the CLI)."""
    require_role(user, *DESK_ROLES)
    ticket = viewable_ticket(session, user, number)
    concurrency.check_version(session, ticket, version, tz)
    return ticket


def require_pokja_of(user: Principal, ticket: Ticket) -> None:
    """Follow-up actions: the ticket's own pokja or its head, or a supervisor."""
    if user.role is Role.SUPERVISOR and user.active:
        return
    if not (user.role in AGENCY_ROLES and can_view(user, ticket)):
        raise PermissionDenied("Hanya pokja tujuan yang dapat menindaklanjuti tiket ini.")


# Transitions into these statuses carry the call centre's own remarks (what is missing, why
# rejected, why a pokja handed it back): their notes are not the pokja's to read.
_DESK_NOTES = AT_DESK | {Status.REJECTED, Status.FORWARDED}


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a ticket's history as ``user`` may read it (``note`` None: withheld)."""

    at: datetime
    actor_label: str
    kind: str
    from_status: str | None
    to_status: str | None
    note: str | None
    id: int | None = None  # the audit event's id (the page attaches a reopening's details)


def _pokja_reads_note(event: TicketEvent, pokja_id: int | None) -> bool:
    if event.shared_with_pokja_id is not None:
        return event.shared_with_pokja_id == pokja_id
    if event.internal:
        return False
    return not (event.kind == "transition" and event.to_status in _DESK_NOTES)


def history_for(user: Principal, ticket: Ticket) -> list[HistoryEntry]:
    """The history ``user`` may read. The call centre and supervisors read everything.

    A pokja reads the status trail and the edits, but of the notes only its own: the
    forwarding note of a forward to it, and what its users wrote (notes, the return
    note). Internal notes, postponement, resumption and rejection remarks and another
    pokja's notes stay with the call centre. On an anonim ticket what it reads is masked
    (``tickets.privacy.outward``).
    """
    entries = []
    desk = user.role in DESK_ROLES
    mask = privacy.masking(ticket) if ticket.anonim and not desk else None
    for e in ticket.events:
        reads = desk or _pokja_reads_note(e, user.pokja_id)
        if e.internal and not reads:
            continue
        # The reporter's replies and the forwarding note reach the pokja masked.
        note = (e.note if desk else privacy.outward(ticket, e.note, mask)) if reads else None
        entries.append(HistoryEntry(e.at, e.actor_label, e.kind, e.from_status, e.to_status,
                                    note, e.id))
    return entries


def sees_status_note(user: Principal) -> bool:
    """``Ticket.status_note`` (why postponed, returned, rejected) is the call centre's
    remark; a pokja reads its own return note in the history instead."""
    return user.role in DESK_ROLES
