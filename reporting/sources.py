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


def received_by_source(session: Session, user: Principal, scope: Scope, *, tz: str,
                       total: int | None = None) -> list[tuple[str, int]]:
    """(label, tickets received) for direct contact and for every source, in a fixed
    order so a month with none of a source still shows its row. ``total``: the tickets
    received in the scope when the caller knows it (the dashboard's figure); the direct
    ones are then the rest, and only the few tickets with a source are read (a year of a
    province's tickets is never joined with the sources)."""
    scope = effective_scope(user, scope)
    in_scope = (range_condition(scope, tz), *filters_for(user, scope))
    counts: dict[Source, int] = {
        kind: int(n) for kind, n in session.execute(
            select(TicketSource.kind, func.count()).select_from(TicketSource)
            .join(Ticket, Ticket.id == TicketSource.ticket_id)
            .where(*in_scope).group_by(TicketSource.kind))}
    if total is None:
        total = int(session.scalar(select(func.count()).select_from(Ticket)
                                   .where(*in_scope)) or 0)
    return [(DIRECT_LABEL, total - sum(counts.values())),
            *((SOURCE_LABELS[s], counts.get(s, 0)) for s in Source)]
