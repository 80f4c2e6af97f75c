"""Who works which ticket, and each user's saved queue views.

Assignment is per team (:mod:`desk.models`): the call centre's operators and supervisors
hold tickets waiting at the desk; a pokja's users and head hold those forwarded to it.
An operator takes a free ticket or lets go of their own; a supervisor gives a desk
ticket to any operator or supervisor, or takes it from one; a pokja's users and its head
do the same within their pokja. Every change is checked here, at the write, and written
to the ticket's history in the caller's transaction (the boundary commits).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from accounts.models import User
from desk.models import CALL_CENTRE, SavedView, TicketAssignment, pokja_team
from tickets.clock import utcnow
from tickets.db import attempt
from tickets.errors import InvalidInput, NotFound, PermissionDenied, StaleTicket
from tickets.lifecycle import AT_DESK, AT_POKJA, Actor, Principal, record_event
from tickets.models import STATUS_LABELS, Role, Ticket
from tickets.permissions import AGENCY_ROLES, DESK_ROLES, viewable_ticket
from tickets.text import clean_name

KIND = "penugasan"  # the history entry's kind


def team_of(user: Principal) -> str | None:
    """The team ``user`` works in: the call centre, their pokja, or none (admin, leaders)."""
    if user.role in DESK_ROLES:
        return CALL_CENTRE
    if user.role in AGENCY_ROLES and user.pokja_id is not None:
        return pokja_team(user.pokja_id)
    return None


def holding_team(ticket: Ticket) -> str | None:
    """The team whose work ``ticket`` is now: None once it is answered, closed or rejected."""
    if ticket.status in AT_DESK:
        return CALL_CENTRE
    if ticket.status in AT_POKJA and ticket.pokja_id is not None:
        return pokja_team(ticket.pokja_id)
    return None


def _manages(user: Principal, team: str) -> bool:
    """May give ``team``'s tickets to anyone of it, or take them from anyone."""
    if team == CALL_CENTRE:
        return user.role is Role.SUPERVISOR
    return user.role in AGENCY_ROLES


def _eligible(user: User, team: str) -> bool:
    return user.active and team_of(user) == team


def candidates(session: Session, team: str) -> list[User]:
    """Everyone a ticket of ``team`` may be given to."""
    if team == CALL_CENTRE:
        query = select(User).where(User.role.in_(tuple(DESK_ROLES)))
    else:
        query = select(User).where(User.role.in_(tuple(AGENCY_ROLES)),
                                   User.pokja_id == int(team[1:]))
    return list(session.scalars(query.where(User.active.is_(True)).order_by(User.full_name)))


def holder(session: Session, ticket: Ticket) -> User | None:
    """Who works ``ticket`` for the team that holds it now."""
    team = holding_team(ticket)
    if team is None:
        return None
    return session.scalar(select(User).join(TicketAssignment, TicketAssignment.user_id == User.id)
                          .where(TicketAssignment.ticket_id == ticket.id,
                                 TicketAssignment.team == team))


def holders(session: Session, tickets: Sequence[Ticket]) -> dict[int, User]:
    """``holder`` of a page of tickets, in one query."""
    teams = {t.id: holding_team(t) for t in tickets}
    if not any(teams.values()):
        return {}
    rows = session.execute(select(TicketAssignment.ticket_id, TicketAssignment.team, User)
                           .join(User, TicketAssignment.user_id == User.id)
                           .where(TicketAssignment.ticket_id.in_(list(teams))))
    return {ticket_id: u for ticket_id, team, u in rows if teams.get(ticket_id) == team}


def condition(user: Principal, which: str) -> ColumnElement[bool] | None:
    """The queue's "Penanganan" filter as a condition on ``Ticket``: ``saya`` (the
    user's own tickets in their team), ``belum`` (no one in the user's team holds it),
    or nothing. InvalidInput for any other value."""
    team = team_of(user)
    if not which or team is None:
        return None
    held = select(TicketAssignment.ticket_id).where(TicketAssignment.team == team)
    if which == "saya":
        return Ticket.id.in_(held.where(TicketAssignment.user_id == user.id))
    if which == "belum":
        return Ticket.id.not_in(held)
    raise InvalidInput("penanganan", "Pilihan penanganan tidak dikenal.")


def assign(session: Session, user: Principal, number: str, assignee_id: int | None, *,
           expected: int | None | str = "") -> Ticket:
    """Give ticket ``number`` to ``assignee_id`` (``user.id``: take it; None: let it go).

    ``expected`` is the holder the page showed (None: free; "": not checked): when
    someone else took or gave the ticket since, nothing changes and the user is told who
    holds it now."""
    ticket = viewable_ticket(session, user, number)
    team = holding_team(ticket)
    if team is None:
        raise InvalidInput("assignee", f"Tiket {ticket.number} berstatus "
                           f"'{STATUS_LABELS[ticket.status]}' dan tidak lagi ditangani; "
                           "tidak dapat diambil atau ditugaskan.")
    if team_of(user) != team:
        raise PermissionDenied(f"Tiket {ticket.number} sedang ditangani "
                               + ("call center" if team == CALL_CENTRE else "pokja tujuan")
                               + "; hanya mereka yang dapat mengambil atau menugaskannya.")
    row = session.scalar(select(TicketAssignment).where(
        TicketAssignment.ticket_id == ticket.id, TicketAssignment.team == team))
    current = row.user if row else None
    if expected != "" and expected != (current.id if current else None):
        raise StaleTicket(f"Penanganan tiket {ticket.number} telah berubah: "
                          + (f"sekarang dipegang {current.full_name}" if current
                             else "sekarang belum diambil siapa pun")
                          + ". Muat ulang halaman lalu ulangi.")
    manager = _manages(user, team)
    target = None
    if assignee_id is not None:
        target = session.get(User, assignee_id)
        if target is None or not _eligible(target, team):
            raise InvalidInput("assignee", "Pengguna ini tidak dapat diberi tiket ini.")
        if target.id != user.id and not manager:
            raise PermissionDenied("Hanya supervisor (atau pokja untuk tiketnya sendiri) "
                                   "yang dapat menugaskan tiket kepada orang lain.")
    if current is not None and current.id != user.id and not manager:
        raise PermissionDenied(f"Tiket {ticket.number} sudah diambil oleh "
                               f"{current.full_name}.")
    if (current.id if current else None) == assignee_id:
        return ticket  # nothing to change: no history entry either
    _write(session, ticket, team, row, current, target, user)
    record_event(session, ticket, Actor.of(user), KIND, _note(user, current, target),
                 internal=team == CALL_CENTRE,
                 shared_with=None if team == CALL_CENTRE else int(team[1:]))
    session.flush()
    return ticket


def _write(session: Session, ticket: Ticket, team: str, row: TicketAssignment | None,
           current: User | None, target: User | None, user: Principal) -> None:
    """The conditional write: it changes the row only if it still names ``current``,
    so of two people taking one ticket at once, one wins and the other is told."""
    lost = StaleTicket(f"Tiket {ticket.number} baru saja diambil atau ditugaskan oleh "
                       "pengguna lain. Muat ulang halaman lalu ulangi.")
    if row is None:
        if target is None:
            return
        try:
            with attempt(session):
                session.add(TicketAssignment(ticket_id=ticket.id, team=team, user_id=target.id,
                                             assigned_by_id=user.id))
        except IntegrityError:
            raise lost from None
        return
    if target is None:
        gone = session.execute(delete(TicketAssignment).where(
            TicketAssignment.id == row.id, TicketAssignment.user_id == row.user_id)
            .execution_options(synchronize_session=False))
    else:
        gone = session.execute(update(TicketAssignment).where(
            TicketAssignment.id == row.id, TicketAssignment.user_id == row.user_id)
            .values(user_id=target.id, assigned_by_id=user.id, assigned_at=utcnow())
            .execution_options(synchronize_session=False))
    if gone.rowcount != 1:  # type: ignore[attr-defined]
        raise lost
    session.expire(row)


def _note(user: Principal, current: User | None, target: User | None) -> str:
    before = f" (sebelumnya {current.full_name})" if current and current.id != user.id else ""
    if target is None:
        if current is not None and current.id == user.id:
            return f"Dilepas oleh {user.full_name}."
        return f"Penanganan {current.full_name if current else '-'} dilepas oleh {user.full_name}."
    if target.id == user.id:
        return f"Diambil oleh {user.full_name}{before}."
    return f"Ditugaskan kepada {target.full_name} oleh {user.full_name}{before}."


# --- saved views ("tampilan") ------------------------------------------------------------

MAX_VIEWS = 30
MAX_NAME = 60


def views(session: Session, user: Principal) -> list[SavedView]:
    return list(session.scalars(select(SavedView).where(SavedView.user_id == user.id)
                                .order_by(SavedView.name)))


def save_view(session: Session, user: Principal, name: str,
              params: Iterable[tuple[str, str]], allowed: Iterable[str]) -> SavedView:
    """Keep the queue's current filters and sort (``params``, only the ``allowed`` keys
    with a value) under ``name``; a view of the same name is replaced."""
    title = clean_name(name, field="view_name", max_len=MAX_NAME, label="Nama tampilan")
    if not title:
        raise InvalidInput("view_name", "Beri nama tampilan ini.")
    keys = set(allowed)
    query = urlencode([(k, v) for k, v in params if k in keys and v])
    if len(query) > 1000:
        raise InvalidInput("view_name", "Filter tampilan ini terlalu panjang untuk disimpan.")
    view = session.scalar(select(SavedView).where(SavedView.user_id == user.id,
                                                  SavedView.name == title))
    if view is None:
        if len(views(session, user)) >= MAX_VIEWS:
            raise InvalidInput("view_name", f"Paling banyak {MAX_VIEWS} tampilan; hapus "
                                            "tampilan yang tidak dipakai lagi.")
        view = SavedView(user_id=user.id, name=title, query=query)
        session.add(view)
    else:
        view.query = query
    session.flush()
    return view


def view_params(view: SavedView) -> list[tuple[str, str]]:
    return parse_qsl(view.query)


def delete_view(session: Session, user: Principal, view_id: int) -> str:
    """Delete one of the user's own views; another's is answered as a missing one."""
    view = session.get(SavedView, view_id)
    if view is None or view.user_id != user.id:
        raise NotFound("Tampilan tidak ditemukan.")
    name = view.name
    session.delete(view)
    session.flush()
    return name


def latest_assignment(session: Session) -> str:
    """A mark that changes whenever a ticket is taken, given or let go, for the live
    queue: the newest assignment's time and how many there are."""
    newest, count = session.execute(select(func.max(TicketAssignment.assigned_at),
                                           func.count(TicketAssignment.id))).one()
    return f"{newest.isoformat() if newest else '-'}:{count}"
