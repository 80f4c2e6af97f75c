"""Escalation thresholds (with their history), escalations sent and dispositions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tickets.clock import utcnow
from tickets.db import Base
from tickets.models import Pokja, Ticket

# The rungs above the pokja: its head, then the regional leadership.
HEAD = "kepala"
LEADERSHIP = "pimpinan"
LEVELS = (HEAD, LEADERSHIP)
LEVEL_LABELS = {HEAD: "Kepala SKPD", LEADERSHIP: "Pimpinan daerah"}


class EscalationRule(Base):
    """The thresholds of one agency (``pokja_id``) or, with None, of every agency without
    its own. A change adds a row; the newest row applies, the older ones are its history."""

    __tablename__ = "escalation_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    pokja_id: Mapped[int | None] = mapped_column(ForeignKey("pokja.id"), index=True)
    # Working days past the follow-up deadline before the agency head is notified, and
    # before the ticket appears in the leadership's daily summary.
    head_after_days: Mapped[int] = mapped_column(Integer)
    leadership_after_days: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_label: Mapped[str] = mapped_column(String(200))

    pokja: Mapped[Pokja | None] = relationship()


class Escalation(Base):
    """A ticket reached a rung: written once by a conditional insert (ticket, level)."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("ticket_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    pokja_id: Mapped[int | None] = mapped_column(ForeignKey("pokja.id"))
    days_late: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    ticket: Mapped[Ticket] = relationship()
    pokja: Mapped[Pokja | None] = relationship()


class Disposition(Base):
    """An instruction of the regional leadership on a ticket, shown at its top."""

    __tablename__ = "dispositions"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_label: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
