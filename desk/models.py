"""Who has a ticket page open (migration 0020): one row per user and ticket, refreshed by
the page's heartbeat; a row older than the expiry means the page was closed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tickets.db import Base


class TicketPresence(Base):
    __tablename__ = "ticket_presence"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    # The user's name as the other agents read it ("sedang dibuka oleh Rina").
    label: Mapped[str] = mapped_column(String(200))
    seen_at: Mapped[datetime] = mapped_column(DateTime)
