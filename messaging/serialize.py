"""Plain-data views of a ticket's messages and attachments (``hotline tickets show``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from media.models import Attachment
from messaging.models import InboundMessage
from tickets.models import Ticket


def attachments_of(session: Session, ticket: Ticket) -> list[Attachment]:
    return list(session.scalars(select(Attachment).where(Attachment.ticket_id == ticket.id)
                                .order_by(Attachment.message_id, Attachment.media_index)))


def messages_of(session: Session, ticket: Ticket) -> list[InboundMessage]:
    return list(session.scalars(select(InboundMessage).where(
        InboundMessage.ticket_id == ticket.id).order_by(InboundMessage.id)))


def attachment_as_dict(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "kind": attachment.kind.value,
        "status": attachment.status.value,
        "content_type": attachment.content_type or attachment.declared_type,
        "sha256": attachment.sha256,
        "size_bytes": attachment.size_bytes,
        "path": attachment.path,
        "transcript_status": attachment.transcript_status.value,
        "transcript": attachment.transcript,
        "error": attachment.error,
    }


def message_details(session: Session, ticket: Ticket) -> dict[str, Any]:
    """The keys ``tickets show --json`` adds: the channel and the attachments."""
    return {
        "channel": ticket.channel.value,
        "attachments": [attachment_as_dict(a) for a in attachments_of(session, ticket)],
    }
