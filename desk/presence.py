"""Who else has a ticket open: "sedang dibuka oleh Rina".

The ticket page sends a light heartbeat (a POST every HEARTBEAT seconds while it is
open, one more when it is closed); each beat stamps one row per user and ticket. A row
older than EXPIRY is a page closed without saying so (a laptop shut, a lost network)
and is ignored, then deleted by the next beat on that ticket. Times are passed in, so
tests move a clock instead of waiting.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desk.models import TicketPresence
from tickets.db import upsert
from tickets.lifecycle import Principal

HEARTBEAT = timedelta(seconds=20)
# Three beats missed: the page is gone.
EXPIRY = 3 * HEARTBEAT


def touch(session: Session, user: Principal, ticket_id: int, now: datetime) -> None:
    """``user`` has ``ticket_id`` open at ``now``: one upsert (two tabs of one user, or
    a retried beat, meet on the primary key instead of failing)."""
    upsert(session, TicketPresence.__table__, {  # type: ignore[arg-type]
        "ticket_id": ticket_id, "user_id": user.id, "label": user.full_name, "seen_at": now,
    }, conflict=["ticket_id", "user_id"], update=["seen_at", "label"])
    session.execute(delete(TicketPresence).where(
        TicketPresence.ticket_id == ticket_id, TicketPresence.seen_at < now - EXPIRY))


def leave(session: Session, user: Principal, ticket_id: int) -> None:
    """The page was closed or left: the user no longer has the ticket open."""
    session.execute(delete(TicketPresence).where(TicketPresence.ticket_id == ticket_id,
                                                 TicketPresence.user_id == user.id))


def others(session: Session, user: Principal, ticket_id: int, now: datetime) -> list[str]:
    """The names of the other users with ``ticket_id`` open at ``now``, in order."""
    return list(session.scalars(
        select(TicketPresence.label)
        .where(TicketPresence.ticket_id == ticket_id, TicketPresence.user_id != user.id,
               TicketPresence.seen_at >= now - EXPIRY)
        .order_by(TicketPresence.label)))
