"""Complaints received by source (issue 20 flow 4): how many came to us directly and how
many the call centre found on each platform, in a letter or at the desk. Counted on the
tickets of the range under the same scope and filters as the dashboard's figures."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reporting.dashboard import Scope, effective_scope, filters_for, range_condition
from tickets.lifecycle import Principal
from tickets.models import Ticket
from tickets.sources import DIRECT_LABEL, SOURCE_LABELS, Source, TicketSource


def received_by_source(session: Session, user: Principal, scope: Scope, *, tz: str
                       ) -> list[tuple[str, int]]:
    """(label, tickets received) for direct contact and for every source, in a fixed
    order so a month with none of a source still shows its row."""
    scope = effective_scope(user, scope)
    counts: dict[Source | None, int] = {
        kind: int(n) for kind, n in session.execute(
            select(TicketSource.kind, func.count()).select_from(Ticket)
            .outerjoin(TicketSource, TicketSource.ticket_id == Ticket.id)
            .where(range_condition(scope, tz), *filters_for(user, scope))
            .group_by(TicketSource.kind))}
    return [(DIRECT_LABEL, counts.get(None, 0)),
            *((SOURCE_LABELS[s], counts.get(s, 0)) for s in Source)]
