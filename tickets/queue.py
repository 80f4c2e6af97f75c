"""Filtered ticket listings for the console, paged by keyset on (created_at, id), or on
(sort key, id) when the reader sorts by another column.

Keyset paging reads only one page of index entries however deep the reader goes,
so the queue stays fast on 100,000 tickets where OFFSET would scan them all. A sort
key is never NULL (coalesced to a stand-in value), so (key, id) orders every row exactly
once and the cursor, which names its sort, carries on where the page ended. A ticket
whose key is missing (no category, kecamatan or deadline) comes after the others in
either direction: the order is (missing, key, id), the first always ascending.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case, func, or_, select, tuple_, union
from sqlalchemy.orm import Session, selectinload

from tickets.contacts import to_e164
from tickets.errors import InvalidInput
from tickets.lifecycle import AT_POKJA, SEEN_BY_POKJA, TO_VERIFY, Principal
from tickets.models import Category, Channel, Role, Status, Ticket, Transcript
from tickets.permissions import DESK_ROLES, require_role

PAGE_SIZE = 50
# What a missing SLA deadline sorts as: after every real one.
FAR_FUTURE = datetime(9999, 12, 31)


@dataclass(frozen=True)
class SortKey:
    """An order of the listing: ``expr`` over ``Ticket`` (never NULL), of ``kind``
    ``str``, ``int`` or ``datetime`` (how the cursor writes its value). ``missing`` is
    the value ``expr`` stands at for a ticket without one (the coalesce's stand-in):
    those tickets come last, ascending or descending; None when every ticket has one."""

    name: str
    expr: Any
    kind: str
    descending: bool = False
    missing: Any = None

    def missing_rank(self) -> Any:
        """0 for a ticket with a value, 1 for one without: the order's first column."""
        return case((self.expr == self.missing, 1), else_=0)


def sort_key(name: str, descending: bool = False) -> SortKey:
    """The columns the domain knows how to sort by (the edges add their own, e.g. the
    kecamatan): ``nomor``, ``masuk``, ``batas`` (the verification deadline), ``status``
    (in lifecycle order) and ``kategori`` (by name)."""
    if name == "nomor":
        return SortKey(name, Ticket.number, "str", descending)
    if name == "masuk":
        return SortKey(name, Ticket.created_at, "datetime", descending)
    if name == "batas":
        return SortKey(name, func.coalesce(Ticket.verify_due_at, FAR_FUTURE), "datetime",
                       descending, missing=FAR_FUTURE)
    if name == "status":
        order = case({s: i for i, s in enumerate(Status)}, value=Ticket.status, else_=99)
        return SortKey(name, order, "int", descending)
    if name == "kategori":
        category = (select(Category.name).where(Category.id == Ticket.category_id)
                    .correlate(Ticket).scalar_subquery())
        return SortKey(name, func.coalesce(category, ""), "str", descending, missing="")
    raise InvalidInput("sort", "Urutan tidak dikenal.")


@dataclass(frozen=True)
class Filters:
    statuses: tuple[Status, ...] = TO_VERIFY
    category_id: int | None = None
    pokja_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""
    channel: Channel | None = None
    # Further conditions on Ticket from the edges (analytics' flags and kecamatan).
    where: tuple[Any, ...] = ()
    # None: oldest first, on the (created_at, id) indexes.
    sort: SortKey | None = None


@dataclass
class Page:
    tickets: list[Ticket]
    next_cursor: str | None
    filters: Filters = field(default_factory=Filters)
    # How many tickets match the filters, over all pages.
    total: int | None = None


def encode_cursor(ticket: Ticket) -> str:
    return f"{ticket.created_at.isoformat()}_{ticket.id}"


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        stamp, ident = cursor.rsplit("_", 1)
        return datetime.fromisoformat(stamp), int(ident)
    except ValueError:
        raise InvalidInput("after", "Penanda halaman tidak valid.") from None


def _encode_sorted(sort: SortKey, value: Any, ident: int) -> str:
    raw = value.isoformat() if isinstance(value, datetime) else value
    data = json.dumps([sort.name, int(sort.descending), raw, ident], separators=(",", ":"))
    return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def _decode_sorted(sort: SortKey, cursor: str) -> tuple[Any, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        name, descending, raw, ident = json.loads(base64.urlsafe_b64decode(padded))
        if name != sort.name or bool(descending) != sort.descending:
            raise ValueError("another order's cursor")
        parse: dict[str, Callable[[Any], Any]] = {
            "datetime": datetime.fromisoformat, "int": int, "str": str}
        value = parse[sort.kind](raw)
        return value, int(ident)
    except (ValueError, TypeError, KeyError):
        raise InvalidInput("after", "Penanda halaman tidak valid.") from None


def _local_midnight_utc(day: date, tz: str) -> datetime:
    local = datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(tz))
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


# A query made only of what people type around a phone number: "0812-3456-7890",
# "+62 812 3456 7890", "(0812) 3456789".
_PHONE_SHAPED = re.compile(r"\+?[\d\s().-]{6,24}")


def search_phone(text: str) -> str | None:
    """``text`` as the E.164 number a caller's tickets are stored under (the one rule of
    :func:`tickets.contacts.to_e164`), or None when it is not a phone number."""
    words = text.strip()
    if not _PHONE_SHAPED.fullmatch(words) or sum(c.isdigit() for c in words) < 6:
        return None
    try:
        return to_e164(words, strict=False)
    except ValueError:
        return None


def _text_condition(session: Session, text: str, *, identity: bool):  # type: ignore[no-untyped-def]
    """Ticket ids whose number, reporter's phone or name, description or machine
    transcript contains ``text``.

    A UNION of independent scans, so each side can use its own index: the ticket number
    and the E.164 phone are equality lookups; on PostgreSQL the pg_trgm GIN indexes of
    migrations 0002 and 0022 serve ILIKE '%...%'; SQLite scans lower(text) LIKE, once
    per table rather than once per ticket. Without ``identity`` (a pokja) an anonim
    ticket is found by its number only: its reporter's name and number, and the
    transcript and text that may say them, are not the pokja's to search.
    """
    words = text.strip()[:100]
    escaped = words.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
    if session.get_bind().dialect.name == "postgresql":
        pattern = f"%{escaped}%"
        in_desc = Ticket.description.ilike(pattern, escape="\\")
        in_transcript = Transcript.text.ilike(pattern, escape="\\")
        in_name = Ticket.reporter_name.ilike(pattern, escape="\\")
    else:
        pattern = f"%{escaped.lower()}%"
        in_desc = func.lower(Ticket.description).like(pattern, escape="\\")
        in_transcript = func.lower(Transcript.text).like(pattern, escape="\\")
        in_name = func.lower(Ticket.reporter_name).like(pattern, escape="\\")
    named = () if identity else (Ticket.anonim.is_(False),)
    scans = [
        select(Ticket.id).where(Ticket.number == words),
        select(Ticket.id).where(Ticket.lapor_tracking_id == words),
    ]
    phone = search_phone(words)
    if phone is not None:
        # A phone number is looked up, not scanned: "0812-..." is in no description.
        scans.append(select(Ticket.id).where(Ticket.reporter_phone == phone, *named))
    else:
        if any(c.isalpha() for c in words):
            scans.append(select(Ticket.id).where(in_name, *named))
        scans.append(select(Ticket.id).where(in_desc, *named))
        transcript = select(Transcript.ticket_id).where(in_transcript)
        if not identity:
            transcript = transcript.join(Ticket, Ticket.id == Transcript.ticket_id).where(
                *named)
        scans.append(transcript)
    matches = union(*scans)
    return Ticket.id.in_(select(matches.subquery().c[0]))


def _query(session: Session, user: Principal, f: Filters, tz: str) -> Select[Ticket]:
    query = select(Ticket)
    statuses = f.statuses
    if user.role in (Role.POKJA, Role.HEAD):
        # A pokja's listing is its own inbox, whatever the request asks for.
        query = query.where(Ticket.pokja_id == user.pokja_id)
        statuses = tuple(s for s in statuses if s in SEEN_BY_POKJA) or tuple(SEEN_BY_POKJA)
    elif f.pokja_id:
        query = query.where(Ticket.pokja_id == f.pokja_id)
    if statuses:
        query = query.where(Ticket.status.in_(statuses))
    if f.category_id:
        query = query.where(Ticket.category_id == f.category_id)
    if f.channel:
        query = query.where(Ticket.channel == f.channel)
    if f.date_from:
        query = query.where(Ticket.created_at >= _local_midnight_utc(f.date_from, tz))
    if f.date_to:
        end = _local_midnight_utc(f.date_to + timedelta(days=1), tz)
        query = query.where(Ticket.created_at < end)
    if f.text.strip():
        identity = user.role in DESK_ROLES
        query = query.where(_text_condition(session, f.text, identity=identity))
    for condition in f.where:
        query = query.where(condition)
    return query


def list_tickets(session: Session, user: Principal, f: Filters, *, tz: str,
                 after: str | None = None, limit: int = PAGE_SIZE) -> Page:
    """One page of tickets matching ``f``, oldest first, that ``user`` may see."""
    require_role(user, *DESK_ROLES, Role.POKJA, Role.HEAD)
    query = _query(session, user, f, tz)
    total = session.scalar(select(func.count()).select_from(
        _query(session, user, f, tz).subquery())) or 0
    sort = f.sort
    if sort is None:
        if after:
            stamp, ident = decode_cursor(after)
            # A row-value comparison: both backends turn it into one index range.
            query = query.where(tuple_(Ticket.created_at, Ticket.id) > tuple_(stamp, ident))
        query = query.order_by(Ticket.created_at, Ticket.id)
    else:
        key = sort.expr.label("sort_value")
        if after:
            value, ident = _decode_sorted(sort, after)
            here, there = tuple_(sort.expr, Ticket.id), tuple_(value, ident)
            beyond = here < there if sort.descending else here > there
            if sort.missing is not None:
                # (missing, key, id) with the first ascending whatever the direction:
                # past the cursor is a later rank, or the same rank and past (key, id).
                rank, at = sort.missing_rank(), int(value == sort.missing)
                beyond = or_(rank > at, and_(rank == at, beyond))
            query = query.where(beyond)
        order = ((sort.expr.desc(), Ticket.id.desc()) if sort.descending
                 else (sort.expr, Ticket.id))
        if sort.missing is not None:
            order = (sort.missing_rank(), *order)
        query = query.add_columns(key).order_by(*order)
    query = (query.limit(limit + 1)
             .options(selectinload(Ticket.category), selectinload(Ticket.pokja),
                      selectinload(Ticket.transcript), selectinload(Ticket.recordings)))
    if sort is None:
        rows = list(session.scalars(query))
        cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    else:
        pairs: list[Any] = list(session.execute(query))
        rows = [t for t, _ in pairs]
        cursor = (_encode_sorted(sort, pairs[limit - 1][1], pairs[limit - 1][0].id)
                  if len(pairs) > limit else None)
    return Page(rows[:limit], cursor, f, total)


@dataclass(frozen=True)
class Snapshot:
    """What a live listing compares between two looks: how many match, the last change
    of any of them, the newest one, and how many are newer than the reader's ``since``."""

    total: int
    changed: datetime | None
    newest: int | None
    new: int


def snapshot(session: Session, user: Principal, f: Filters, *, tz: str,
             since: int | None = None) -> Snapshot:
    """One aggregate over the filtered listing, for the queue's live updates."""
    require_role(user, *DESK_ROLES, Role.POKJA, Role.HEAD)
    rows = _query(session, user, f, tz).subquery()
    # One scan: the count of newer tickets rides along as a filtered aggregate.
    newer = func.count().filter(rows.c.id > (since if since is not None else -1))
    total, changed, newest, new = session.execute(
        select(func.count(), func.max(rows.c.updated_at), func.max(rows.c.id), newer)).one()
    return Snapshot(total or 0, changed, newest, (new or 0) if since is not None else 0)


def newest_ticket_id(session: Session) -> int:
    """The newest ticket's id now (0 for none): what a live listing counts "new" after,
    whatever its filters, order or page (the primary key's last entry: no scan)."""
    return session.scalar(select(func.max(Ticket.id))) or 0


def pokja_inbox(session: Session, user: Principal, *, tz: str, after: str | None = None,
                statuses: tuple[Status, ...] = tuple(AT_POKJA),
                where: tuple[Any, ...] = ()) -> Page:
    """The pokja's open tickets (or a supervisor's view of every pokja's); ``where``
    narrows them (the edges' "Tiket saya")."""
    require_role(user, Role.POKJA, Role.HEAD, Role.SUPERVISOR)
    return list_tickets(session, user, Filters(statuses=statuses, where=where), tz=tz,
                        after=after)
