"""Models of complaints by message (SMS, WhatsApp): conversations, messages, attachments.

A :class:`Conversation` is keyed on the sender's address as Twilio gives it
(``whatsapp:+62…`` or ``+62…``); it holds where the citizen is in the menu and the
complaint being written. Every inbound message is kept once, keyed on Twilio's
``MessageSid``, with the reply it got (a retried webhook gets the same reply). Media
become :class:`Attachment` rows, downloaded and (voice notes) transcribed off the
request path.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
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


class AttachmentKind(enum.StrEnum):
    AUDIO = "audio"  # a voice note
    IMAGE = "image"  # a photo


class AttachmentStatus(enum.StrEnum):
    PENDING = "pending"    # to be downloaded
    STORED = "stored"
    FAILED = "failed"


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # ``From`` as Twilio sends it: ``whatsapp:+62…`` or ``+62…``.
    address: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(16))  # whatsapp | sms
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    profile_name: Mapped[str | None] = mapped_column(String(200))
    # Where the citizen is: new, menu, category, anonim, content, status.
    state: Mapped[str] = mapped_column(String(16), default="new")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    anonim: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the citizen last wrote: the idle expiry and WhatsApp's 24-hour window.
    last_inbound_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # BERHENTI/STOP: no more updates to this address (complaints are still taken).
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    # The per-sender rate limit: messages counted since ``window_started_at``.
    window_started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    window_count: Mapped[int] = mapped_column(Integer, default=0)
    limited_told: Mapped[bool] = mapped_column(Boolean, default=False)
    # A question about an existing ticket waits for this citizen's reply (the reply is
    # dispatched in messaging.conversations.answer_pending): its kind and ticket.
    pending_kind: Mapped[str | None] = mapped_column(String(32))
    pending_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class InboundMessage(Base):
    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64), unique=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    body: Mapped[str | None] = mapped_column(Text)
    num_media: Mapped[int] = mapped_column(Integer, default=0)
    # content: part of a complaint (``draft`` until filed, then ``ticket_id`` is set);
    # command: a menu answer or keyword; reply: an answer to a pending question.
    role: Mapped[str] = mapped_column(String(16), default="command")
    draft: Mapped[bool] = mapped_column(Boolean, default=False)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    # What the hotline answered (TwiML body text), returned again on a retried webhook.
    reply: Mapped[str | None] = mapped_column(Text)

    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="message", order_by="Attachment.media_index")


class Attachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("message_id", "media_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"))
    media_index: Mapped[int] = mapped_column(Integer)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[AttachmentKind] = mapped_column(enum_column(AttachmentKind, "attachment_kind"))
    source_url: Mapped[str] = mapped_column(String(500))
    declared_type: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[AttachmentStatus] = mapped_column(
        enum_column(AttachmentStatus, "attachment_status"), default=AttachmentStatus.PENDING)
    # Relative to RECORDINGS_DIR; named by the server.
    path: Mapped[str | None] = mapped_column(String(500))
    content_type: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    # Voice notes: none (a photo) | pending | done | failed | manual.
    transcript_status: Mapped[str] = mapped_column(String(16), default="none")
    transcript: Mapped[str | None] = mapped_column(Text)
    # Word timings of the transcript (speech engine output), for the console's player.
    transcript_words: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    stored_at: Mapped[datetime | None] = mapped_column(DateTime)

    message: Mapped[InboundMessage] = relationship(back_populates="attachments")
