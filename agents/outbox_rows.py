"""The console's view of the outbox: who may see which message, and who may send it again.

The view models of the outbox for the console. The outbox itself (:mod:`notify.outbox`)
knows nothing of users. The rules here:

- Desk roles (operator, supervisor) see every message of a ticket they may open.
- A pokja user sees only the e-mails and WhatsApp alerts sent to their own pokja
  (its address, its number, its users' addresses) - never the caller's SMS or calls,
  so neither the reporter's number nor the existence of their messages leaks.
- The outbox page (every message, also those without a ticket) is for supervisors and
  the admin. The admin may not open tickets, so for anonim tickets the caller's number
  is masked there as it would be for a pokja (:func:`tickets.permissions.can_see_reporter`).
- Sending again is for supervisors and the admin only: it repeats a delivery to the
  same recipient, and for an e-mail whose outcome is unknown that may mean a duplicate,
  a judgement the docs leave to a responsible human. Each retry of a ticket's message
  writes an internal audit event in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accounts.models import User
from notify import outbox
from notify.models import OutboxMessage, OutboxStatus
from tickets.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied
from tickets.lifecycle import Actor, record_event
from tickets.models import Pokja, Role, Ticket
from tickets.permissions import DESK_ROLES, can_see_reporter, require_role

OS = OutboxStatus
PAGE_SIZE = 50
OUTBOX_ROLES = (Role.SUPERVISOR, Role.ADMIN)
RETRY_ROLES = (Role.SUPERVISOR, Role.ADMIN)
RETRYABLE = outbox.RETRYABLE
# Not sent and not on its way: the outbox page lists these first.
ATTENTION = (OS.FAILED, OS.DEAD, OS.HELD)
CALLER_CHANNELS = frozenset({"sms", "voice"})
POKJA_CHANNELS = ("email", "whatsapp")
MASKED = "nomor pelapor disembunyikan"

STATUS_LABELS: dict[OutboxStatus, str] = {
    OS.PENDING: "menunggu",
    OS.SENDING: "sedang dikirim",
    OS.SENT: "terkirim",
    OS.FAILED: "gagal permanen",
    OS.DEAD: "gagal (percobaan habis)",
    OS.HELD: "ditahan: belum dikonfigurasi",
    OS.CANCELLED: "dibatalkan",
}
CHANNEL_LABELS = {"sms": "SMS", "voice": "Panggilan suara", "whatsapp": "WhatsApp",
                  "email": "E-mail"}
EVENT_LABELS = {"forwarded": "Diteruskan ke pokja", "answered": "Sudah dijawab",
                "closed": "Selesai", "digest": "Ringkasan harian supervisor",
                "sla_warning": "Peringatan batas tindak lanjut"}


def event_label(event: str) -> str:
    """``answered#2`` -> "Sudah dijawab (ke-2)"; ``sla_warning@05-06-2025`` gets its date."""
    base, _, due = event.partition("@")
    base, _, seq = base.partition("#")
    label = EVENT_LABELS.get(base, base)
    if seq:
        label += f" (ke-{seq})"
    if due:
        label += f" ({due})"
    return label


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
    if row.channel in CALLER_CHANNELS and ticket is not None and not can_see_reporter(
            user, ticket):
        # Twilio's error text quotes the number ("The 'To' number +62... is not valid").
        recipient = MASKED
        note = note.replace(row.recipient, MASKED) if note and row.recipient else note
    return MessageView(
        id=row.id, channel=row.channel, channel_label=CHANNEL_LABELS.get(row.channel, row.channel),
        recipient=recipient, event=event_label(row.event), status=row.status,
        status_label=STATUS_LABELS[row.status], note=note, attempts=row.attempts,
        created_at=row.created_at, sent_at=row.sent_at, provider_status=row.provider_status,
        subject=row.subject, body=row.body,
        ticket_number=ticket.number if ticket is not None else None,
        can_retry=user.role in RETRY_ROLES and row.status in RETRYABLE,
    )


def pokja_addresses(session: Session, pokja_id: int) -> set[str]:
    """Where messages to a pokja go: its e-mail and WhatsApp number and its users' e-mail."""
    pokja = session.get(Pokja, pokja_id)
    found = {a for a in ((pokja.email, pokja.whatsapp) if pokja else ()) if a}
    found |= {e for e in session.scalars(select(User.email).where(
        User.pokja_id == pokja_id, User.email.is_not(None))) if e}
    return {a.strip() for a in found}


def _visible_to(session: Session, user: User, rows: list[OutboxMessage]) -> list[OutboxMessage]:
    if user.role in DESK_ROLES and user.active:
        return rows
    if user.role is Role.POKJA and user.pokja_id is not None:
        own = pokja_addresses(session, user.pokja_id)
        return [r for r in rows if r.channel in POKJA_CHANNELS and r.recipient.strip() in own]
    return []


def for_ticket(session: Session, user: User, ticket: Ticket) -> list[MessageView]:
    """The ticket's messages that ``user`` may see; the caller has checked ``can_view``."""
    rows = _visible_to(session, user, outbox.messages_for_ticket(session, ticket.id))
    return [_view(user, r, ticket) for r in rows]


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


def _phases(f: MessageFilters) -> list[tuple[str, object]]:
    """Keyset phases, each newest first: without a status filter the messages that were
    not sent come before the rest, and each phase walks the status index on its own."""
    if f.status is not None:
        return [("s", OutboxMessage.status == f.status)]
    return [("a", OutboxMessage.status.in_(ATTENTION)),
            ("b", OutboxMessage.status.not_in(ATTENTION))]


def _decode(cursor: str | None, tags: list[str]) -> tuple[int, int | None]:
    if not cursor:
        return 0, None
    tag, _, ident = cursor.partition(":")
    if tag not in tags or not ident.isdigit():
        raise InvalidInput("after", "Penanda halaman tidak valid.")
    return tags.index(tag), int(ident)


def list_messages(session: Session, user: User, f: MessageFilters, *,
                  after: str | None = None, limit: int = PAGE_SIZE) -> MessagePage:
    require_role(user, *OUTBOX_ROLES)
    phases = _phases(f)
    start, after_id = _decode(after, [tag for tag, _ in phases])
    found: list[tuple[str, OutboxMessage]] = []
    for index in range(start, len(phases)):
        tag, condition = phases[index]
        query = select(OutboxMessage).where(condition)  # type: ignore[arg-type]
        if f.channel:
            query = query.where(OutboxMessage.channel == f.channel)
        if index == start and after_id is not None:
            query = query.where(OutboxMessage.id < after_id)
        query = query.order_by(OutboxMessage.id.desc()).limit(limit + 1 - len(found))
        found += [(tag, r) for r in session.scalars(query)]
        if len(found) > limit:
            break
    more = len(found) > limit
    found = found[:limit]
    tickets = _tickets(session, {r.ticket_id for _, r in found if r.ticket_id})
    views = [_view(user, r, tickets.get(r.ticket_id) if r.ticket_id else None)
             for _, r in found]
    cursor = f"{found[-1][0]}:{found[-1][1].id}" if more and found else None
    return MessagePage(views, cursor)


def _tickets(session: Session, ids: set[int]) -> dict[int, Ticket]:
    if not ids:
        return {}
    return {t.id: t for t in session.scalars(select(Ticket).where(Ticket.id.in_(ids)))}


def held_reasons(session: Session, user: User) -> list[tuple[str, int]]:
    """Held messages counted by why they are held ("Twilio belum dikonfigurasi", ...)."""
    require_role(user, *OUTBOX_ROLES)
    reason = func.coalesce(OutboxMessage.last_error, "")
    return [(r or "tanpa keterangan", n) for r, n in session.execute(
        select(reason, func.count()).where(OutboxMessage.status == OS.HELD)
        .group_by(reason).order_by(func.count().desc()))]


def failed_count(session: Session, user: User) -> int | None:
    """How many messages failed for good (failed + dead): the nav badge; None if not shown."""
    if user.role not in OUTBOX_ROLES or not user.active:
        return None
    return session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status.in_((OS.FAILED, OS.DEAD)))) or 0


# --- sending again --------------------------------------------------------------------------

def retry(session: Session, user: User, outbox_id: int) -> OutboxMessage:
    """Send a failed, dead or held message again; audited on its ticket.

    Delivery is queued once the transaction commits (``MessageQueued``), so a retry that
    does not commit sends nothing.
    """
    if not user.active or user.role not in RETRY_ROLES:
        raise PermissionDenied("Hanya supervisor atau admin yang dapat mengirim ulang pesan.")
    row = session.get(OutboxMessage, outbox_id)
    if row is None:
        raise NotFound(f"Pesan {outbox_id} tidak ditemukan.")
    if row.status not in RETRYABLE:
        raise IllegalTransition(
            f"Pesan {outbox_id} berstatus '{STATUS_LABELS[row.status]}'; hanya pesan yang gagal "
            "atau ditahan yang dapat dikirim ulang.")
    ticket = session.get(Ticket, row.ticket_id) if row.ticket_id else None
    if ticket is not None:
        before = STATUS_LABELS[row.status] + (f": {row.last_error[:200]}" if row.last_error
                                              else "")
        # Internal: a caller message's error may carry the reporter's number.
        record_event(session, ticket, Actor.of(user), "message",
                     f"Pesan {CHANNEL_LABELS.get(row.channel, row.channel)} "
                     f"({event_label(row.event)}) dikirim ulang; sebelumnya {before}.",
                     internal=True)
    return outbox.retry(session, outbox_id)
