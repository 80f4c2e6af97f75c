"""Models of complaints by message (SMS, WhatsApp): conversations and their messages.

A :class:`Conversation` is keyed on the sender's address as Twilio gives it
(``whatsapp:+62…`` or ``+62…``); it holds where the citizen is in the menu and the
complaint being written. Every inbound message is kept once, keyed on Twilio's
``MessageSid``, with the reply it got (a retried webhook gets the same reply). Media
become :class:`media.models.Attachment` rows, downloaded and (voice notes) transcribed
off the request path by the media pipeline.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from media.models import Attachment
from tickets.clock import utcnow
from tickets.db import Base


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

    attachments: Mapped[list[Attachment]] = relationship(order_by=Attachment.media_index)
