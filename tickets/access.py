"""Who may see and do what with a ticket. Checked in the domain, whatever the caller."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tickets.errors import NotFound, PermissionDenied
from tickets.models import Role, Status, Ticket, User

# A pokja sees a ticket once it has been forwarded to it, and keeps seeing it afterwards.
POKJA_VISIBLE = frozenset({Status.FORWARDED, Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED})
DESK_ROLES = frozenset({Role.OPERATOR, Role.SUPERVISOR})


def require_role(user: User, *roles: Role) -> None:
    if not user.active or user.role not in roles:
        raise PermissionDenied("Anda tidak memiliki hak untuk tindakan ini.")


def can_view(user: User, ticket: Ticket) -> bool:
    if not user.active:
        return False
    if user.role in DESK_ROLES:
        return True
    if user.role is Role.POKJA:
        return (user.pokja_id is not None and ticket.pokja_id == user.pokja_id
                and ticket.status in POKJA_VISIBLE)
    return False


def can_see_reporter(user: User, ticket: Ticket) -> bool:
    """Anonim hides the reporter from the pokja: name, phone, and the voice and words
    of the recording (which often say the name). The pokja works from the verified text."""
    return user.role in DESK_ROLES or not ticket.anonim


def viewable_ticket(session: Session, user: User, number: str) -> Ticket:
    """The ticket ``number`` if ``user`` may see it; an outsider learns nothing more."""
    ticket = session.scalar(select(Ticket).where(Ticket.number == number.strip()))
    if ticket is None:
        raise NotFound(f"Tiket {number} tidak ditemukan.")
    if not can_view(user, ticket):
        raise PermissionDenied("Tiket ini bukan wewenang Anda.")
    return ticket


def require_pokja_of(user: User, ticket: Ticket) -> None:
    """Follow-up actions: the ticket's own pokja, or a supervisor."""
    if user.role is Role.SUPERVISOR and user.active:
        return
    if not (user.role is Role.POKJA and can_view(user, ticket)):
        raise PermissionDenied("Hanya pokja tujuan yang dapat menindaklanjuti tiket ini.")
