"""Who may see and do what with a ticket. Checked in the domain, whatever the caller."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tickets.errors import PermissionDenied
from tickets.lifecycle import SEEN_BY_POKJA, Principal
from tickets.models import Role, Ticket
from tickets.services import ticket_by_number

DESK_ROLES = frozenset({Role.OPERATOR, Role.SUPERVISOR})


def require_role(user: Principal, *roles: Role) -> None:
    if not user.active or user.role not in roles:
        raise PermissionDenied("Anda tidak memiliki hak untuk tindakan ini.")


def can_view(user: Principal, ticket: Ticket) -> bool:
    if not user.active:
        return False
    if user.role in DESK_ROLES:
        return True
    if user.role is Role.POKJA:
        return (user.pokja_id is not None and ticket.pokja_id == user.pokja_id
                and ticket.status in SEEN_BY_POKJA)
    return False


def can_see_reporter(user: Principal, ticket: Ticket) -> bool:
    """Anonim hides the reporter from the pokja: name, phone, and the voice and words
    of the recording (which often say the name). The pokja works from the verified text."""
    return user.role in DESK_ROLES or not ticket.anonim


def viewable_ticket(session: Session, user: Principal, number: str) -> Ticket:
    """The ticket ``number`` if ``user`` may see it; an outsider learns nothing more."""
    ticket = ticket_by_number(session, number)
    if not can_view(user, ticket):
        raise PermissionDenied("Tiket ini bukan wewenang Anda.")
    return ticket


def require_pokja_of(user: Principal, ticket: Ticket) -> None:
    """Follow-up actions: the ticket's own pokja, or a supervisor."""
    if user.role is Role.SUPERVISOR and user.active:
        return
    if not (user.role is Role.POKJA and can_view(user, ticket)):
        raise PermissionDenied("Hanya pokja tujuan yang dapat menindaklanjuti tiket ini.")
