"""The outbox: durable, at-most-once delivery state of every outgoing message.

Rows are written by :mod:`notify.compose` in the transaction of the change
that causes them. A worker moves a row ``pending -> sending`` with a conditional
UPDATE (:func:`claim`); only the worker whose UPDATE matched may talk to the
provider, so a task delivered twice sends once. The provider's id is recorded in
the same commit that marks the row ``sent``. A row left in ``sending`` by a crash
is never blindly resent: :func:`claim_stale` hands it to a reconciler that asks
the provider first. Nothing here talks to a provider.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from notify.models import OutboxAttachment, OutboxMessage, OutboxStatus
from tickets import events
from tickets.clock import iso_utc, utcnow
from tickets.db import insert_ignore
from tickets.errors import NotFound

OS = OutboxStatus

# wa_template: a WhatsApp template message (ContentSid), the body its variable.
CHANNELS = ("sms", "voice", "whatsapp", "wa_template", "email")
RETRYABLE = frozenset({OS.FAILED, OS.DEAD, OS.HELD})
BACKOFF_BASE_SECONDS = 30
# A row is due up to this much before its time. The wall clock of a VM can step back a
# few milliseconds between writing a row and claiming it right after the commit; without
# slack such a message would wait for the sweep. Far below the smallest backoff.
CLOCK_TOLERANCE = timedelta(seconds=1)
BACKOFF_CAP_SECONDS = 3600
# Twilio delivery statuses that mean the message did not reach the handset.
PROVIDER_FAILURES = frozenset({"failed", "undelivered", "busy", "no-answer", "canceled"})


@dataclass(frozen=True)
class Outgoing:
    """A claimed row, detached from the session: what the delivering worker needs."""

    id: int
    channel: str
    recipient: str
    subject: str | None
    body: str
    attempts: int
    claimed_at: datetime
    created_at: datetime
    # Files sent with an e-mail (the monthly report): (filename, content type, bytes).
    attachments: tuple[tuple[str, str, bytes], ...] = ()


def add_attachment(session: Session, outbox_id: int, filename: str, content_type: str,
                   data: bytes) -> None:
    """A file for the e-mail row ``outbox_id``, written in the row's transaction."""
    session.add(OutboxAttachment(outbox_id=outbox_id, filename=filename,
                                 content_type=content_type, data=data))


def _attachments(session: Session, outbox_id: int) -> tuple[tuple[str, str, bytes], ...]:
    return tuple((name, kind, data) for name, kind, data in session.execute(
        select(OutboxAttachment.filename, OutboxAttachment.content_type, OutboxAttachment.data)
        .where(OutboxAttachment.outbox_id == outbox_id).order_by(OutboxAttachment.id)))


def _snapshot(row: OutboxMessage) -> Outgoing:
    assert row.claimed_at is not None
    return Outgoing(row.id, row.channel, row.recipient, row.subject, row.body, row.attempts,
                    row.claimed_at, row.created_at)


@dataclass(frozen=True)
class MessageQueued:
    """An outbox row is waiting for delivery (the delivery task is sent after commit)."""

    outbox_id: int


def add(session: Session, *, channel: str, recipient: str, body: str, event: str,
        key: str, ticket_id: int | None = None, subject: str | None = None,
        status: OutboxStatus = OS.PENDING, note: str | None = None) -> int | None:
    """Add one message unless its idempotency key exists; the new row's id, or None.

    One INSERT .. ON CONFLICT DO NOTHING, so the same change announced twice at once
    writes one row and neither transaction fails."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    now = utcnow()
    outbox_id = insert_ignore(session, OutboxMessage.__table__, {  # type: ignore[arg-type]
        "channel": channel, "recipient": recipient, "subject": subject, "body": body,
        "ticket_id": ticket_id, "event": event, "idempotency_key": key, "status": status.value,
        "attempts": 0, "next_attempt_at": now, "created_at": now, "last_error": note,
    }, ["idempotency_key"])
    if outbox_id is not None and status is OS.PENDING:
        events.publish(session, MessageQueued(outbox_id))
    return outbox_id


def add_for_person(session: Session, *, email: str | None, whatsapp: str | None, key: str,
                   event: str, subject: str, body: str, whatsapp_body: str,
                   ticket_id: int | None = None) -> int:
    """One message to a console user (an agency head, the leadership) by e-mail and by
    WhatsApp, each where they have one; ``key`` + channel + address is each row's
    idempotency key. How many rows were new."""
    written = 0
    if email:
        written += add(session, channel="email", recipient=email, subject=subject, body=body,
                       event=event, key=f"{key}:email:{email}", ticket_id=ticket_id) is not None
    if whatsapp:
        written += add(session, channel="whatsapp", recipient=whatsapp, body=whatsapp_body,
                       event=event, key=f"{key}:whatsapp:{whatsapp}",
                       ticket_id=ticket_id) is not None
    return written


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... up to an hour, by the number of attempts made."""
    seconds = BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(BACKOFF_CAP_SECONDS, seconds))


def claim(session: Session, outbox_id: int, now: datetime | None = None) -> Outgoing | None:
    """Take a due pending row for delivery; None when another worker has it or it is not due."""
    now = now or utcnow()
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id, OutboxMessage.status == OS.PENDING,
               OutboxMessage.next_attempt_at <= now + CLOCK_TOLERANCE)
        .values(status=OS.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    row = session.get(OutboxMessage, outbox_id, populate_existing=True)
    assert row is not None
    snap = _snapshot(row)
    if row.channel == "email":
        snap = replace(snap, attachments=_attachments(session, outbox_id))
    return snap


def claim_stale(session: Session, older_than: timedelta,
                now: datetime | None = None) -> list[Outgoing]:
    """Rows stuck in ``sending`` (their worker died); each returned once to one reconciler."""
    now = now or utcnow()
    cutoff = now - older_than
    claimed = []
    for row_id, claimed_at in session.execute(
        select(OutboxMessage.id, OutboxMessage.claimed_at)
        .where(OutboxMessage.status == OS.SENDING, OutboxMessage.claimed_at < cutoff)
    ).all():
        # Re-stamp conditionally so two sweeps never reconcile (and resend) the same row.
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.status == OS.SENDING,
                   OutboxMessage.claimed_at == claimed_at)
            .values(claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append((row_id, claimed_at or cutoff))
    out = []
    for row_id, original in claimed:
        row = session.get(OutboxMessage, row_id, populate_existing=True)
        assert row is not None
        snap = _snapshot(row)
        # The reconciler searches the provider from when the lost attempt started.
        out.append(Outgoing(snap.id, snap.channel, snap.recipient, snap.subject, snap.body,
                            snap.attempts, original, snap.created_at))
    return out


def _sending(session: Session, outbox_id: int) -> OutboxMessage | None:
    row = session.get(OutboxMessage, outbox_id, populate_existing=True)
    return row if row is not None and row.status is OS.SENDING else None


def mark_sent(session: Session, outbox_id: int, provider_id: str | None,
              provider_status: str | None, now: datetime | None = None) -> None:
    row = _sending(session, outbox_id)
    if row is not None:
        row.status, row.provider_id = OS.SENT, provider_id
        row.provider_status = provider_status
        row.sent_at, row.last_error = now or utcnow(), None
    session.flush()


def mark_failed(session: Session, outbox_id: int, error: str, *, permanent: bool,
                max_attempts: int, now: datetime | None = None) -> timedelta | None:
    """Record a failed attempt; returns the delay before the next one, or None when done."""
    row = _sending(session, outbox_id)
    if row is None:
        session.flush()
        return None
    row.last_error = error[:2000]
    delay = None
    if permanent:
        row.status = OS.FAILED
    elif row.attempts >= max_attempts:
        row.status = OS.DEAD
    else:
        delay = backoff(row.attempts)
        row.status, row.next_attempt_at = OS.PENDING, (now or utcnow()) + delay
    session.flush()
    return delay


def mark_held(session: Session, outbox_id: int, reason: str) -> None:
    """The channel is not configured: keep the message, give the attempt back."""
    row = _sending(session, outbox_id)
    if row is not None:
        row.status, row.last_error = OS.HELD, reason
        row.attempts = max(0, row.attempts - 1)
    session.flush()


def release_for_resend(session: Session, outbox_id: int) -> None:
    """The reconciler found no trace at the provider: the attempt never landed."""
    row = _sending(session, outbox_id)
    if row is not None:
        row.status, row.next_attempt_at = OS.PENDING, utcnow()
        row.last_error = "percobaan sebelumnya terputus; tidak ada di penyedia, dikirim ulang"
    session.flush()


def release_held(session: Session, channels: list[str]) -> list[int]:
    """Channels configured since: their held messages become pending again."""
    rows = list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.status == OS.HELD, OutboxMessage.channel.in_(channels))))
    for row in rows:
        row.status, row.next_attempt_at = OS.PENDING, utcnow()
    session.flush()
    return [r.id for r in rows]


def due_pending(session: Session, now: datetime | None = None, limit: int = 500) -> list[int]:
    now = now or utcnow()
    return list(session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OS.PENDING,
               OutboxMessage.next_attempt_at <= now + CLOCK_TOLERANCE)
        .order_by(OutboxMessage.id).limit(limit)
    ))


def retry(session: Session, outbox_id: int) -> OutboxMessage:
    """An agent retries a failed, dead or held message (e.g. after fixing a number)."""
    row = session.get(OutboxMessage, outbox_id)
    if row is None:
        raise NotFound(f"Pesan {outbox_id} tidak ditemukan.")
    if row.status not in RETRYABLE:
        raise NotFound(f"Pesan {outbox_id} berstatus {row.status.value}; tidak dapat diulang.")
    row.status, row.next_attempt_at = OS.PENDING, utcnow()
    session.flush()
    events.publish(session, MessageQueued(outbox_id))
    return row


def apply_provider_status(session: Session, outbox_id: int, provider_id: str | None,
                          provider_status: str, error_code: str | None = None) -> bool:
    """A delivery-status callback; False when it does not match a sent message."""
    row = session.get(OutboxMessage, outbox_id)
    if row is None or (provider_id and row.provider_id and row.provider_id != provider_id):
        return False
    row.provider_status = provider_status[:32]
    if row.provider_id is None and provider_id:
        row.provider_id = provider_id
    if provider_status in PROVIDER_FAILURES and row.status in (OS.SENT, OS.SENDING):
        row.status = OS.FAILED
        row.last_error = f"penyedia melaporkan {provider_status}" + (
            f" (kode {error_code})" if error_code else "")
    session.flush()
    return True


def apply_status_by_provider_id(session: Session, provider_id: str, provider_status: str,
                                error_code: str | None = None) -> bool:
    """A delivery-status callback that names only Twilio's id (``/messaging/status``)."""
    row_id = session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.provider_id == provider_id))
    if row_id is None:
        return False
    return apply_provider_status(session, row_id, provider_id, provider_status, error_code)


def cancel_pending_for_ticket(session: Session, ticket_id: int, channels: tuple[str, ...],
                              recipient: str | None = None) -> int:
    """Cancel what has not gone out yet (the caller asked to receive nothing). No commit."""
    query = select(OutboxMessage).where(
        OutboxMessage.ticket_id == ticket_id, OutboxMessage.channel.in_(channels),
        OutboxMessage.status.in_((OS.PENDING, OS.HELD)))
    if recipient is not None:
        query = query.where(OutboxMessage.recipient == recipient)
    rows = list(session.scalars(query))
    for row in rows:
        row.status = OS.CANCELLED
    return len(rows)


# --- queries for the console and the CLI ------------------------------------------------

def messages_for_ticket(session: Session, ticket_id: int) -> list[OutboxMessage]:
    return list(session.scalars(
        select(OutboxMessage).where(OutboxMessage.ticket_id == ticket_id)
        .order_by(OutboxMessage.id)))


def list_recent(session: Session, limit: int = 50,
                status: OutboxStatus | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return list(session.scalars(query))


def as_dict(row: OutboxMessage) -> dict[str, object]:
    return {
        "id": row.id, "channel": row.channel, "recipient": row.recipient,
        "subject": row.subject, "body": row.body, "ticket_id": row.ticket_id,
        "event": row.event, "status": row.status.value, "attempts": row.attempts,
        "next_attempt_at": iso_utc(row.next_attempt_at),
        "last_error": row.last_error, "provider_id": row.provider_id,
        "provider_status": row.provider_status,
        "created_at": iso_utc(row.created_at), "sent_at": iso_utc(row.sent_at),
    }
