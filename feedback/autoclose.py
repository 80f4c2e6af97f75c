"""Periodic housekeeping of the lifecycle (run by the scheduler)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tickets import sla
from tickets.clock import utcnow
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Status, Ticket


def auto_close_answered(session: Session, *, tz: str, now: datetime | None = None) -> int:
    """Close answered tickets whose reporter has not replied for 10 working days."""
    now = now or utcnow()
    closed = 0
    for ticket in session.scalars(
        select(Ticket).where(Ticket.status == Status.ANSWERED, Ticket.answered_at.is_not(None))
    ):
        assert ticket.answered_at is not None
        if sla.due_after(ticket.answered_at, sla.AUTO_CLOSE_DAYS, tz) < now:
            transition(session, ticket, Status.CLOSED, SYSTEM,
                       "Ditutup otomatis: tidak ada tanggapan pelapor dalam 10 hari kerja.",
                       tz=tz, now=now)
            closed += 1
    session.flush()
    return closed
