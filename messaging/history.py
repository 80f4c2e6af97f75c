"""What one phone number wrote to the hotline by SMS or WhatsApp, newest first: the
caller's history on the ticket page (the console decides who may read it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from messaging.models import Conversation, InboundMessage


@dataclass(frozen=True)
class SentMessage:
    at: datetime
    channel: str  # whatsapp | sms
    body: str
    ticket_id: int | None


def messages_from(session: Session, phone: str, *, limit: int = 20) -> list[SentMessage]:
    """The latest messages from ``phone`` (E.164) on every channel; ``conversations.phone``
    is indexed, so this reads one number's rows only."""
    rows = session.execute(
        select(InboundMessage.received_at, Conversation.channel, InboundMessage.body,
               InboundMessage.ticket_id)
        .join(Conversation, Conversation.id == InboundMessage.conversation_id)
        .where(Conversation.phone == phone)
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc()).limit(limit))
    return [SentMessage(at, channel, (body or "").strip(), ticket_id)
            for at, channel, body, ticket_id in rows]
