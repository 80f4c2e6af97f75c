"""Partner institutions, which pokja may ask them, and each question sent by link."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tickets.clock import utcnow
from tickets.db import Base
from tickets.models import Pokja, Ticket


class Partner(Base):
    """A lembaga mitra (PLN, PDAM, BPJS, an NGO): no account, only a contact."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(200))
    whatsapp: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    pokjas: Mapped[list[Pokja]] = relationship(secondary="partner_pokja", order_by=Pokja.name)


class PartnerPokja(Base):
    """A pokja that may forward questions to a partner."""

    __tablename__ = "partner_pokja"
    __table_args__ = (UniqueConstraint("partner_id", "pokja_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    pokja_id: Mapped[int] = mapped_column(ForeignKey("pokja.id"), index=True)


class PartnerChange(Base):
    """The history of the partner list: who added or changed a partner, and to what."""

    __tablename__ = "partner_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_by_label: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)


class PartnerRequest(Base):
    """A pokja's question about one ticket to one partner, answered through a signed link.

    Only the link token's sha256 is stored (as for API keys). What the partner sees is
    fixed when the question is sent (``share_*``); the reporter's identity and the
    recording are never shared on an anonim ticket (partners.services).
    """

    __tablename__ = "partner_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    pokja_id: Mapped[int] = mapped_column(ForeignKey("pokja.id"))
    question: Mapped[str] = mapped_column(Text)
    share_description: Mapped[bool] = mapped_column(Boolean, default=True)
    share_location: Mapped[bool] = mapped_column(Boolean, default=True)
    share_reporter: Mapped[bool] = mapped_column(Boolean, default=False)
    share_recording: Mapped[bool] = mapped_column(Boolean, default=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    # When the answer is due (working days): overdue questions are reminded once a day.
    due_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    # Who at the partner answered (a name they type; there is no account).
    answered_by: Mapped[str | None] = mapped_column(String(200))
    # The attached file, under RECORDINGS_DIR/partners/, named by the server.
    file_path: Mapped[str | None] = mapped_column(String(300))
    file_name: Mapped[str | None] = mapped_column(String(200))
    file_type: Mapped[str | None] = mapped_column(String(64))
    file_size: Mapped[int | None] = mapped_column(Integer)
    adopted_at: Mapped[datetime | None] = mapped_column(DateTime)

    ticket: Mapped[Ticket] = relationship()
    partner: Mapped[Partner] = relationship()
    pokja: Mapped[Pokja] = relationship()
