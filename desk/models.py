"""Who has a ticket page open (one row per user and ticket, refreshed by the page's
heartbeat; a row older than the expiry means the page was closed), who holds a ticket,
and each user's saved queue views."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from tickets.clock import utcnow
from tickets.db import Base


class TicketPresence(Base):
    __tablename__ = "ticket_presence"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    # The user's name as the other agents read it ("sedang dibuka oleh Rina").
    label: Mapped[str] = mapped_column(String(200))
    seen_at: Mapped[datetime] = mapped_column(DateTime)


# The teams that hold tickets (``desk.services.team_of``): the call centre, and each pokja.
CALL_CENTRE = "cc"


def pokja_team(pokja_id: int) -> str:
    return f"p{pokja_id}"


class TicketAssignment(Base):
    """The user who works ``ticket`` for one team. A ticket has at most one holder per
    team: the call centre's while it waits at the desk, its pokja's once forwarded; each
    team's row stays when the ticket moves on, and only the team holding the ticket
    reads or changes its own. Not a column of ``tickets``: taking a ticket must not bump
    its version and refuse the form of someone else editing it."""

    __tablename__ = "ticket_assignments"
    __table_args__ = (UniqueConstraint("ticket_id", "team"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    team: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


# "Tiket saya": one user's tickets of one team.
Index("ix_ticket_assignments_user", TicketAssignment.user_id, TicketAssignment.team)


class SavedView(Base):
    """A "tampilan": a user's named queue filters and sort, as the query string."""

    __tablename__ = "saved_views"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    query: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
