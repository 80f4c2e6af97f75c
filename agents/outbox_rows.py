"""The console's view of an outbox message: its labels, and what a given user may read of
it. The rules (who sees which message, whose number is hidden, who may send one again)
are :mod:`notify.services`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from accounts.models import User
from notify import outbox, services
from notify.models import OutboxMessage, OutboxStatus
from notify.names import STATUS_LABELS, channel_label, event_label
from tickets.errors import InvalidInput
from tickets.models import Ticket

OS = OutboxStatus
MASKED = "nomor pelapor disembunyikan"


@dataclass(frozen=True)
class MessageView:
    """One outbox row as a given user may see it."""

    id: int
    channel: str
    channel_label: str
    recipient: str
    event: str
    status: OutboxStatus
    status_label: str
    note: str | None  # the last error, or why it is held
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    provider_status: str | None
    subject: str | None
    body: str
    ticket_number: str | None
    can_retry: bool


def _view(user: User, row: OutboxMessage, ticket: Ticket | None) -> MessageView:
    recipient, note = row.recipient, row.last_error
    if services.hides_recipient(user, row, ticket):
        # Twilio's error text quotes the number ("The 'To' number +62... is not valid").
        recipient = MASKED
        note = note.replace(row.recipient, MASKED) if note and row.recipient else note
    return MessageView(
        id=row.id, channel=row.channel, channel_label=channel_label(row.channel),
        recipient=recipient, event=event_label(row.event), status=row.status,
        status_label=STATUS_LABELS[row.status], note=note, attempts=row.attempts,
        created_at=row.created_at, sent_at=row.sent_at, provider_status=row.provider_status,
        subject=row.subject, body=row.body,
        ticket_number=ticket.number if ticket is not None else None,
        can_retry=services.may_retry(user, row),
    )


def for_ticket(session: Session, user: User, ticket: Ticket) -> list[MessageView]:
    """The ticket's messages that ``user`` may see; the caller has checked ``can_view``."""
    return [_view(user, r, ticket) for r in services.ticket_messages(session, user, ticket)]


# --- the outbox page ------------------------------------------------------------------------

@dataclass(frozen=True)
class MessageFilters:
    status: OutboxStatus | None = None
    channel: str | None = None

    @classmethod
    def parse(cls, status: str | None, channel: str | None) -> MessageFilters:
        status, channel = (status or "").strip(), (channel or "").strip()
        try:
            parsed = OS(status) if status else None
        except ValueError:
            raise InvalidInput("status", "Status pesan tidak dikenal.") from None
        if channel and channel not in outbox.CHANNELS:
            raise InvalidInput("channel", "Saluran tidak dikenal.")
        return cls(parsed, channel or None)


@dataclass
class MessagePage:
    messages: list[MessageView]
    next_cursor: str | None


def list_messages(session: Session, user: User, f: MessageFilters, *,
                  after: str | None = None, limit: int = services.PAGE_SIZE) -> MessagePage:
    page = services.outbox_page(session, user, status=f.status, channel=f.channel,
                                after=after, limit=limit)
    return MessagePage([_view(user, r, page.tickets.get(r.ticket_id) if r.ticket_id else None)
                        for r in page.rows], page.next_cursor)
