"""The outbox row: one message to one recipient."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tickets.clock import utcnow
from tickets.db import Base, enum_column


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"      # waiting for (another) delivery attempt
    SENDING = "sending"      # claimed by a worker; the provider may or may not have it
    SENT = "sent"            # the provider accepted it (provider_id recorded)
    FAILED = "failed"        # permanent error, or an outcome only a human can judge
    DEAD = "dead"            # transient errors until the attempts ran out
    HELD = "held"            # the channel is not configured; kept until it is
    CANCELLED = "cancelled"  # the recipient asked to receive nothing


class OutboxMessage(Base):
    """One message to one recipient, written in the transaction of the change causing it."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # sms | voice | whatsapp | email
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    event: Mapped[str] = mapped_column(String(32))
    # Unique per ticket, event, channel and recipient: the same change never writes twice.
    idempotency_key: Mapped[str] = mapped_column(String(300), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    provider_status: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class OutboxAttachment(Base):
    """A file sent with an e-mail row (the monthly report's XLSX), written with the row."""

    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
