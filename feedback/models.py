"""The reporter's word on an answer: ratings and reopenings (migration 0010).

Kept in their own tables beside the ticket, so the rest of the schema is untouched.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tickets.clock import utcnow
from tickets.db import Base, enum_column
from tickets.models import Recording, Ticket, TranscriptionStatus


class FeedbackChannel(enum.StrEnum):
    PHONE = "phone"        # the status line's keys
    SMS = "sms"            # a reply to the answer's SMS
    WHATSAPP = "whatsapp"  # a reply on WhatsApp


class TicketRating(Base):
    """The reporter said the problem is fixed (the ticket closed) and, once given, how
    satisfied they are, 1..5. One per ticket: a closed ticket stays closed."""

    __tablename__ = "ticket_ratings"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    # The pokja that answered, kept for the reports even if the ticket moves later.
    pokja_id: Mapped[int | None] = mapped_column(ForeignKey("pokja.id"), index=True)
    channel: Mapped[FeedbackChannel] = mapped_column(
        enum_column(FeedbackChannel, "feedback_channel"))
    confirmed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    rating: Mapped[int | None] = mapped_column(Integer)
    rated_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    ticket: Mapped[Ticket] = relationship()


class Reopening(Base):
    """The reporter said the problem is not fixed: the ticket went back to its pokja (or,
    past the limit, to the supervisors), with the reporter's explanation: typed in a
    message (``note``) or spoken on the phone (``recording``, transcribed like a
    complaint into ``transcript_*``)."""

    __tablename__ = "ticket_reopenings"
    __table_args__ = (
        UniqueConstraint("ticket_id", "seq", name="uq_ticket_reopenings_ticket_seq"),
        UniqueConstraint("ticket_id", "call_sid", name="uq_ticket_reopenings_ticket_call"))

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 1 for the ticket's first reopening
    pokja_id: Mapped[int | None] = mapped_column(ForeignKey("pokja.id"), index=True)
    channel: Mapped[FeedbackChannel] = mapped_column(
        enum_column(FeedbackChannel, "feedback_channel"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # The status-line call that reopened it: a retried webhook reopens nothing twice.
    call_sid: Mapped[str | None] = mapped_column(String(64))
    # Past the reopen limit: the supervisors handle it, not the pokja.
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    # The audit event of the transition to "reopened" (the history shows the note there).
    event_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_events.id"))
    note: Mapped[str | None] = mapped_column(Text)
    recording_id: Mapped[int | None] = mapped_column(ForeignKey("recordings.id"), unique=True)
    transcription_status: Mapped[TranscriptionStatus] = mapped_column(
        enum_column(TranscriptionStatus, "transcription_status"),
        default=TranscriptionStatus.NONE)
    transcription_error: Mapped[str | None] = mapped_column(Text)
    transcript_text: Mapped[str | None] = mapped_column(Text)
    transcript_words: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    transcript_confidence: Mapped[float | None] = mapped_column(Float)
    transcript_engine: Mapped[str | None] = mapped_column(String(32))

    ticket: Mapped[Ticket] = relationship()
    recording: Mapped[Recording | None] = relationship()
