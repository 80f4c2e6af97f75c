"""Who may read which outbox message, and who may send one again.

The outbox itself (:mod:`notify.outbox`) knows nothing of users; the console shows what
these rules let through (its view of a message is ``agents/outbox_rows.py``).

- Desk roles (operator, supervisor) see every message of a ticket they may open.
- A pokja user sees only the e-mails and WhatsApp alerts sent to their own pokja
  (its address, its number, its users' addresses) - never the reporter's SMS, calls or
  WhatsApp, so neither the reporter's number nor the existence of their messages leaks.
- The outbox page (every message, also those without a ticket) is for supervisors and
  the admin. The admin may not open tickets, so on an anonim ticket the number of a
  message to the reporter is hidden there as it would be from a pokja
  (:func:`tickets.permissions.can_see_reporter`).
- Sending again is for supervisors and the admin only: it repeats a delivery to the
  same recipient, and for an e-mail whose outcome is unknown that may mean a duplicate,
  a judgement the docs leave to a responsible human. Each retry of a ticket's message
  writes an internal audit event in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from accounts.models import User
from notify import outbox
from notify.models import OutboxMessage, OutboxStatus
from notify.names import STATUS_LABELS, channel_label, event_label
from tickets.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied
from tickets.lifecycle import Actor, Principal, record_event
from tickets.models import Pokja, Role, Ticket
from tickets.permissions import DESK_ROLES, can_see_reporter, require_role

OS = OutboxStatus
PAGE_SIZE = 50
OUTBOX_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
RETRY_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
RETRYABLE = outbox.RETRYABLE
# Not sent and not on its way: the outbox page lists these first.
ATTENTION = (OS.FAILED, OS.DEAD, OS.HELD)
# Channels that only ever reach a reporter (a WhatsApp message may reach either).
REPORTER_CHANNELS = frozenset({"sms", "voice", "wa_template"})
POKJA_CHANNELS = ("email", "whatsapp")


def reads_outbox(user: Principal) -> bool:
    """Whether ``user`` may open the outbox page (and see its badge)."""
    return user.active and user.role in OUTBOX_ROLES


def pokja_addresses(session: Session, pokja_id: int) -> set[str]:
    """Where messages to a pokja go: its e-mail and WhatsApp number and its users' e-mail."""
    pokja = session.get(Pokja, pokja_id)
    found = {a for a in ((pokja.email, pokja.whatsapp) if pokja else ()) if a}
    found |= {e for e in session.scalars(select(User.email).where(
        User.pokja_id == pokja_id, User.email.is_not(None))) if e}
    return {a.strip() for a in found}


def _visible(session: Session, user: Principal,
             rows: list[OutboxMessage]) -> list[OutboxMessage]:
    if user.role in DESK_ROLES and user.active:
        return rows
    if user.role in (Role.POKJA, Role.HEAD) and user.active and user.pokja_id is not None:
        own = pokja_addresses(session, user.pokja_id)
        return [r for r in rows if r.channel in POKJA_CHANNELS and r.recipient.strip() in own]
    return []


def ticket_messages(session: Session, user: Principal, ticket: Ticket) -> list[OutboxMessage]:
    """The messages of ``ticket`` that ``user`` may see; the caller has checked that
    ``user`` may view the ticket."""
    return _visible(session, user, outbox.messages_for_ticket(session, ticket.id))


def to_reporter(row: OutboxMessage, ticket: Ticket) -> bool:
    """Whether ``row`` went to the ticket's reporter (on any channel)."""
    return row.channel in REPORTER_CHANNELS or (
        bool(ticket.reporter_phone) and row.recipient.strip() == ticket.reporter_phone)


def hides_recipient(user: Principal, row: OutboxMessage, ticket: Ticket | None) -> bool:
    """Whether ``user`` must not read the recipient (and the provider's error, which quotes
    it) of ``row``: a message to the reporter of a ticket whose reporter they may not see."""
    return ticket is not None and to_reporter(row, ticket) and not can_see_reporter(user,
                                                                                    ticket)


def may_retry(user: Principal, row: OutboxMessage) -> bool:
    return user.active and user.role in RETRY_ROLES and row.status in RETRYABLE


# --- the outbox page ------------------------------------------------------------------------

@dataclass(frozen=True)
class OutboxPage:
    rows: list[OutboxMessage]
    tickets: dict[int, Ticket]  # the rows' tickets by id
    next_cursor: str | None


def _phases(status: OutboxStatus | None) -> list[tuple[str, ColumnElement[bool]]]:
    """Keyset phases, each newest first: without a status filter the messages that were
    not sent come before the rest, and each phase walks the status index on its own."""
    if status is not None:
        return [("s", OutboxMessage.status == status)]
    return [("a", OutboxMessage.status.in_(ATTENTION)),
            ("b", OutboxMessage.status.not_in(ATTENTION))]


def _decode(cursor: str | None, tags: list[str]) -> tuple[int, int | None]:
    if not cursor:
        return 0, None
    tag, _, ident = cursor.partition(":")
    if tag not in tags or not ident.isdigit():
        raise InvalidInput("after", "Penanda halaman tidak valid.")
    return tags.index(tag), int(ident)


def outbox_page(session: Session, user: Principal, *, status: OutboxStatus | None = None,
                channel: str | None = None, after: str | None = None,
                limit: int = PAGE_SIZE) -> OutboxPage:
    """One page of every message (also those without a ticket), for the outbox page."""
    require_role(user, *OUTBOX_ROLES)
    phases = _phases(status)
    start, after_id = _decode(after, [tag for tag, _ in phases])
    found: list[tuple[str, OutboxMessage]] = []
    for index in range(start, len(phases)):
        tag, condition = phases[index]
        query = select(OutboxMessage).where(condition)
        if channel:
            query = query.where(OutboxMessage.channel == channel)
        if index == start and after_id is not None:
            query = query.where(OutboxMessage.id < after_id)
        query = query.order_by(OutboxMessage.id.desc()).limit(limit + 1 - len(found))
        found += [(tag, r) for r in session.scalars(query)]
        if len(found) > limit:
            break
    more = len(found) > limit
    found = found[:limit]
    ids = {r.ticket_id for _, r in found if r.ticket_id}
    tickets = {t.id: t for t in session.scalars(select(Ticket).where(Ticket.id.in_(ids)))} \
        if ids else {}
    cursor = f"{found[-1][0]}:{found[-1][1].id}" if more and found else None
    return OutboxPage([r for _, r in found], tickets, cursor)


def held_reasons(session: Session, user: Principal) -> list[tuple[str, int]]:
    """Held messages counted by why they are held ("Twilio belum dikonfigurasi", ...)."""
    require_role(user, *OUTBOX_ROLES)
    reason = func.coalesce(OutboxMessage.last_error, "")
    return [(r or "tanpa keterangan", n) for r, n in session.execute(
        select(reason, func.count()).where(OutboxMessage.status == OS.HELD)
        .group_by(reason).order_by(func.count().desc()))]


def failed_count(session: Session, user: Principal) -> int | None:
    """How many messages failed for good (failed + dead): the nav badge; None if not shown."""
    if not reads_outbox(user):
        return None
    return session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status.in_((OS.FAILED, OS.DEAD)))) or 0


# --- sending again --------------------------------------------------------------------------

def retry(session: Session, user: Principal, outbox_id: int) -> OutboxMessage:
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
                     f"Pesan {channel_label(row.channel)} ({event_label(row.event)}) "
                     f"dikirim ulang; sebelumnya {before}.", internal=True)
    return outbox.retry(session, outbox_id)
