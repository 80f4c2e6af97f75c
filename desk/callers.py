"""Know the caller: the other tickets and calls of the number a ticket came from, so a
repeat caller is recognised ("Penelepon ini sudah 3 kali melapor").

What is linked to a number follows the privacy rules of :mod:`tickets.permissions`: a
pokja never sees who reported an anonim ticket, so it gets no history on one, and the
history it gets on another ticket lists only tickets it may open that are not anonim
(an anonim ticket beside a known number would name its reporter). The call centre sees
every ticket of the number, anonim ones included, as it sees their reporters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from tickets.lifecycle import SEEN_BY_POKJA, Principal
from tickets.models import Call, Role, Ticket
from tickets.permissions import AGENCY_ROLES, DESK_ROLES, can_see_reporter

LIMIT = 20


@dataclass
class CallerHistory:
    phone: str
    # How many tickets ``user`` may see from this number, this one included.
    total: int
    # The other tickets, newest first (at most LIMIT).
    tickets: list[Ticket] = field(default_factory=list)
    # The calls from this number, newest first (the call centre only).
    calls: list[Call] = field(default_factory=list)

    @property
    def repeat(self) -> bool:
        return self.total > 1


def _visible(user: Principal, phone: str):  # type: ignore[no-untyped-def]
    """The conditions on Ticket for the tickets of ``phone`` that ``user`` may list."""
    conditions = [Ticket.reporter_phone == phone]
    if user.role in AGENCY_ROLES:
        conditions += [Ticket.pokja_id == user.pokja_id, Ticket.status.in_(SEEN_BY_POKJA),
                       Ticket.anonim.is_(False)]
    elif user.role is Role.LEADERSHIP:
        conditions.append(Ticket.anonim.is_(False))
    return conditions


def history(session: Session, user: Principal, ticket: Ticket, *,
            limit: int = LIMIT) -> CallerHistory | None:
    """The caller's history as ``user`` may read it on ``ticket``'s page; None when the
    ticket has no number or its reporter is hidden from ``user``."""
    phone = ticket.reporter_phone
    if not phone or not user.active or not can_see_reporter(user, ticket):
        return None
    conditions = _visible(user, phone)
    total = session.scalar(select(func.count()).select_from(Ticket).where(*conditions)) or 0
    others = list(session.scalars(
        select(Ticket).where(*conditions, Ticket.id != ticket.id)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit)
        .options(selectinload(Ticket.category))))
    calls = (list(session.scalars(select(Call).where(Call.from_number == phone)
                                  .order_by(Call.started_at.desc(), Call.id.desc())
                                  .limit(limit)))
             if user.role in DESK_ROLES else [])
    # The ticket itself always counts, even when listed under another status set.
    return CallerHistory(phone, max(total, len(others) + 1), others, calls)
