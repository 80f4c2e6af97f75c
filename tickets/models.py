"""SQLAlchemy models of the complaint domain."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tickets.db import Base, utcnow


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Store the lowercase values, as plain strings with a CHECK, on every backend.
    return Enum(
        cls, name=name, native_enum=False, length=32,
        values_callable=lambda e: [m.value for m in e], validate_strings=True,
    )


class Status(enum.StrEnum):
    RECORDED = "recorded"
    AWAITING_VERIFICATION = "awaiting_verification"
    POSTPONED = "postponed"
    FORWARDED = "forwarded"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"
    REJECTED = "rejected"


class RejectReason(enum.StrEnum):
    NOT_OUR_AUTHORITY = "not_our_authority"
    DUPLICATE = "duplicate"
    NOT_A_COMPLAINT = "not_a_complaint"


class Channel(enum.StrEnum):
    PHONE = "phone"          # the IVR hotline
    PHONE_AGENT = "phone_agent"  # a caller an operator spoke to
    WALK_IN = "walk_in"
    SMS_WA = "sms_wa"
    WEB = "web"


class Role(enum.StrEnum):
    OPERATOR = "operator"
    POKJA = "pokja"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class TranscriptionStatus(enum.StrEnum):
    NONE = "none"          # no recording (desk intake)
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"      # "transkripsi gagal": an agent transcribes by hand
    MANUAL = "manual"      # no speech engine configured


class RecordingStatus(enum.StrEnum):
    PENDING = "pending"
    STORED = "stored"
    FAILED = "failed"


class Pokja(Base):
    __tablename__ = "pokja"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    whatsapp: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The key a caller presses in the IVR category menu (1..9); None hides it from the IVR.
    ivr_digit: Mapped[int | None] = mapped_column(Integer, unique=True)
    pokja_id: Mapped[int | None] = mapped_column(ForeignKey("pokja.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    pokja: Mapped[Pokja | None] = relationship()


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    # Where alerts and the supervisors' overdue digest go (migration 0003).
    email: Mapped[str | None] = mapped_column(String(200))
    pokja_id: Mapped[int | None] = mapped_column(ForeignKey("pokja.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    pokja: Mapped[Pokja | None] = relationship()


class Call(Base):
    """One inbound call, keyed on Twilio's CallSid; holds the caller's menu choices."""

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_number: Mapped[str | None] = mapped_column(String(32))
    to_number: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    anonim: Mapped[bool] = mapped_column(Boolean, default=False)
    # The recording the caller made but has not yet confirmed (1 submit / 2 again).
    pending_recording_sid: Mapped[str | None] = mapped_column(String(64))
    pending_recording_url: Mapped[str | None] = mapped_column(String(500))
    pending_recording_duration: Mapped[int | None] = mapped_column(Integer)


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(8), unique=True)
    status: Mapped[Status] = mapped_column(_enum(Status, "status"), index=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "channel"))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), unique=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    pokja_id: Mapped[int | None] = mapped_column(ForeignKey("pokja.id"), index=True)
    priority: Mapped[int] = mapped_column(Integer, default=2)  # 1 high, 2 normal, 3 low
    anonim: Mapped[bool] = mapped_column(Boolean, default=False)
    rahasia: Mapped[bool] = mapped_column(Boolean, default=False)
    # The caller may ask not to be contacted (no SMS, no voice updates).
    contact_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    reporter_name: Mapped[str | None] = mapped_column(String(200))
    reporter_phone: Mapped[str | None] = mapped_column(String(32))
    location: Mapped[str | None] = mapped_column(String(300))
    # The complaint as verified by an operator (the machine transcript stays on Transcript).
    description: Mapped[str | None] = mapped_column(Text)
    transcription_status: Mapped[TranscriptionStatus] = mapped_column(
        _enum(TranscriptionStatus, "transcription_status"), default=TranscriptionStatus.NONE
    )
    transcription_error: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    answer_published: Mapped[bool] = mapped_column(Boolean, default=False)
    reject_reason: Mapped[RejectReason | None] = mapped_column(_enum(RejectReason, "reject_reason"))
    status_note: Mapped[str | None] = mapped_column(Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    verify_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    forwarded_at: Mapped[datetime | None] = mapped_column(DateTime)
    followup_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    call: Mapped[Call | None] = relationship()
    category: Mapped[Category | None] = relationship()
    pokja: Mapped[Pokja | None] = relationship()
    recordings: Mapped[list[Recording]] = relationship(
        back_populates="ticket", order_by="Recording.id"
    )
    transcript: Mapped[Transcript | None] = relationship(
        back_populates="ticket", uselist=False
    )
    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id"
    )


class Recording(Base):
    __tablename__ = "recordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    recording_sid: Mapped[str] = mapped_column(String(64), unique=True)
    source_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[RecordingStatus] = mapped_column(
        _enum(RecordingStatus, "recording_status"), default=RecordingStatus.PENDING
    )
    # Relative to RECORDINGS_DIR.
    path: Mapped[str | None] = mapped_column(String(500))
    content_type: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    stored_at: Mapped[datetime | None] = mapped_column(DateTime)

    ticket: Mapped[Ticket] = relationship(back_populates="recordings")


class Transcript(Base):
    """The machine transcript, kept unchanged beside the operator's verified text."""

    __tablename__ = "transcripts"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    recording_id: Mapped[int | None] = mapped_column(ForeignKey("recordings.id"), unique=True)
    text: Mapped[str] = mapped_column(Text, default="")
    words: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    confidence: Mapped[float | None] = mapped_column(Float)
    language: Mapped[str | None] = mapped_column(String(16))
    engine: Mapped[str] = mapped_column(String(32))
    model: Mapped[str | None] = mapped_column(String(200))
    audio_seconds: Mapped[float | None] = mapped_column(Float)
    processing_seconds: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="transcript")


class TicketEvent(Base):
    """The audit trail: one row per transition, edit or note, written in the same transaction."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # "sistem", "penelepon" or the user's name, so the trail reads well without joins.
    actor_label: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))  # transition | note | edit | system
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class HotlineSetting(Base):
    """Console-editable hotline settings that override the environment's defaults."""

    __tablename__ = "hotline_settings"
    __table_args__ = (UniqueConstraint("key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)


class LoginAttempt(Base):
    """A failed sign-in, per username and client address; the throttle counts these rows.

    Kept in the database so that every gunicorn worker sees the same count.
    """

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# The console's queue and inbox walk tickets in (created_at, id) order: keyset pages
# stay fast on 100k+ tickets when an index leads with each filter's equality column.
Index("ix_tickets_status_created", Ticket.status, Ticket.created_at, Ticket.id)
Index("ix_tickets_pokja_status_created", Ticket.pokja_id, Ticket.status, Ticket.created_at,
      Ticket.id)
Index("ix_tickets_created_id", Ticket.created_at, Ticket.id)
Index("ix_login_attempts_key", LoginAttempt.username, LoginAttempt.ip, LoginAttempt.at)


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
        _enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    provider_status: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
