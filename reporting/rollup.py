"""The dashboard's summary table: the range figures without reading a year of tickets.

``dashboard_days`` holds, per local day, channel, category, pokja and status, what the
dashboard sums (received, verified and answered with and without delay) and each
ticket's working-time spans (so medians stay exact). It is never edited by hand:

- every flush that adds or changes a ticket marks the local day (the office's zone) the
  ticket was received on (``dashboard_dirty``; :func:`track` subscribes :func:`mark_dirty`
  on the session factory in the composition root), in the same transaction as the
  change: one mark, one day summed live until the refresh;
- the hourly task (``reporting.dashboard_refresh``) :func:`refresh` es the marked days:
  their rows are rebuilt from the tickets with one INSERT .. SELECT .. GROUP BY, and
  exactly the marks it read are removed (a change committed meanwhile keeps its own mark);
- the dashboard, a GET, writes nothing: it reads the stored rows of the days no change
  has marked and the marked days summed live from their tickets (:func:`live_select`),
  which is what a refresh would store, so its figures are as fresh as the tickets.

Refreshes are serialised on PostgreSQL by a transaction-scoped advisory lock; SQLite
serialises writers anyway. What depends on the clock (a deadline that has passed
since) is not in the summary: ``reporting.dashboard`` reads it live from the open tickets.

``dashboard_place_days`` (``reporting.models``) holds the same rows per kecamatan and per
desa/kelurahan too (``ticket_places``), kept by the same marks: a write of a ticket's place
marks the ticket's received date as a write of the ticket does. A place filter reads it
(by the index leading with the place) instead of summing a year of tickets live.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    case,
    delete,
    func,
    insert,
    inspect,
    literal,
    null,
    select,
    text,
    type_coerce,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.schema import Table

from analytics.models import TicketPlace
from reporting.medians import rebuild_months
from reporting.models import DESA, KECAMATAN, DashboardPlaceDay
from tickets.models import DashboardDay, DashboardDirty, Ticket
from tickets.sla import local_day, local_day_sql, offset_seconds

LOCK_KEY = 120_012  # pg_advisory_xact_lock: one refresh at a time


def mark_dirty(session: Session, tz: str) -> None:
    """before_flush: mark the local days (in the office's zone ``tz``) on which the
    tickets this flush writes were received."""
    days: set[date] = set()
    placed: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, TicketPlace):
            # The place summary groups by the ticket's place: its received day changes.
            if obj.ticket_id is not None:
                placed.add(obj.ticket_id)
            continue
        if not isinstance(obj, Ticket) or obj in session.deleted:
            continue
        if obj.created_at is not None:
            days.add(local_day(obj.created_at, tz))
        # A received time moved (only tests and imports do that): its old day too.
        for old in inspect(obj).attrs.created_at.history.deleted or ():
            if isinstance(old, datetime):
                days.add(local_day(old, tz))
    for ticket_id in placed:
        # From the identity map when the ticket is loaded (no query); inside a flush
        # nothing is flushed again.
        ticket = session.get(Ticket, ticket_id)
        if ticket is not None and ticket.created_at is not None:
            days.add(local_day(ticket.created_at, tz))
    for day in days:
        session.add(DashboardDirty(day=day))


def track(maker: sessionmaker[Session], tz: str) -> None:
    """Mark changed days on every flush of ``maker``'s sessions (the composition root)."""
    from sqlalchemy import event

    def before_flush(session: Session, _context: object, _instances: object) -> None:
        mark_dirty(session, tz)

    event.listen(maker, "before_flush", before_flush)


def _spans(column: Any, dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return func.array_remove(func.array_agg(column), None)
    return func.json_group_array(column).filter(column.is_not(None))


def _count_if(cond: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


COLUMNS = ("day", "channel", "category_id", "pokja_id", "status", "received", "verified",
           "verified_ok", "answered", "answered_ok", "verify_spans", "forward_spans",
           "answer_spans")
PLACE_COLUMNS = ("grain", "kecamatan_id", "desa_id", *COLUMNS)
GRAINS = (KECAMATAN, DESA)


def summary_select(dialect: str, tz: str, *where: ColumnElement[bool],
                   grain: str | None = None) -> Select[Any]:
    """The summary's rows (``COLUMNS``) of the tickets ``where`` selects, grouped as
    ``dashboard_days`` is: what :func:`refresh` stores, and what the dashboard reads live
    when a filter the summary does not know applies. With a ``grain`` (``KECAMATAN`` or
    ``DESA``), the rows of ``dashboard_place_days`` (``PLACE_COLUMNS``): the placed
    tickets, grouped by their kecamatan (and desa) as well."""
    day = local_day_sql(Ticket.created_at, tz, dialect)
    answered = and_(Ticket.forwarded_at.is_not(None), Ticket.followup_due_at.is_not(None),
                    Ticket.answered_at.is_not(None))
    columns: tuple[Any, ...] = (
        day, Ticket.channel, Ticket.category_id, Ticket.pokja_id, Ticket.status,
        func.count(), _count_if(Ticket.verified_at.is_not(None)),
        _count_if(Ticket.verified_at <= Ticket.verify_due_at), _count_if(answered),
        _count_if(and_(answered, Ticket.answered_at <= Ticket.followup_due_at)),
        _spans(Ticket.verify_work_seconds, dialect),
        _spans(Ticket.forward_work_seconds, dialect),
        _spans(Ticket.answer_work_seconds, dialect))
    names: tuple[str, ...] = COLUMNS
    group: list[Any] = [day, Ticket.channel, Ticket.category_id, Ticket.pokja_id, Ticket.status]
    table: Table = DashboardDay.__table__  # type: ignore[assignment]
    conds = list(where)
    if grain is not None:
        table = DashboardPlaceDay.__table__  # type: ignore[assignment]
        desa = TicketPlace.desa_id if grain == DESA else null()
        columns = (literal(grain), TicketPlace.kecamatan_id, desa, *columns)
        names = PLACE_COLUMNS
        group = [TicketPlace.kecamatan_id, *([desa] if grain == DESA else []), *group]
        conds.append((TicketPlace.desa_id if grain == DESA else TicketPlace.kecamatan_id)
                     .is_not(None))
    query = select(*[type_coerce(c, table.c[name].type).label(name)
                     for c, name in zip(columns, names, strict=True)])
    if grain is not None:
        query = query.select_from(Ticket).join(TicketPlace,
                                               TicketPlace.ticket_id == Ticket.id)
    return query.where(*conds).group_by(*group)


def received_on(days: list[date], tz: str, dialect: str) -> tuple[ColumnElement[bool], ...]:
    """The tickets received on the local ``days`` (sorted): a range the index on
    ``created_at`` serves, then the days themselves unless the range holds no other (the
    usual run of recent days: PostgreSQL cannot estimate the list on an expression, took
    a hundred thousand tickets for eight thousand and sorted them instead of hashing)."""
    offset = timedelta(seconds=offset_seconds(tz))
    lower = datetime.combine(days[0], time(0, 0)) - offset
    upper = datetime.combine(days[-1] + timedelta(days=1), time(0, 0)) - offset
    within = (Ticket.created_at >= lower, Ticket.created_at < upper)
    if (days[-1] - days[0]).days + 1 == len(set(days)):
        return within
    day = local_day_sql(Ticket.created_at, tz, dialect)
    return (*within,
            day.in_([d if dialect == "postgresql" else d.isoformat() for d in days]))


def marked_days(session: Session, first: date, last: date) -> list[date]:
    """The local days from ``first`` to ``last`` whose tickets changed since the summary
    stored them (what :func:`refresh` would rebuild), read without writing."""
    return list(session.scalars(select(DashboardDirty.day).distinct()
                                .where(DashboardDirty.day >= first, DashboardDirty.day <= last)
                                .order_by(DashboardDirty.day)))


def live_select(dialect: str, tz: str, marked: list[date],
                live_where: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """The summary rows (``COLUMNS``) of the ``marked`` local days (sorted, not empty)
    summed from their tickets (narrowed by ``live_where``): what :func:`refresh` would
    store for them."""
    return summary_select(dialect, tz, *received_on(marked, tz, dialect), *live_where)


def refresh(session: Session, first: date, last: date, *, tz: str) -> int:
    """Rebuild the summary of the marked days between ``first`` and ``last`` (local
    dates); the number of local days rebuilt."""
    dialect = session.get_bind().dialect.name
    window = (DashboardDirty.day >= first, DashboardDirty.day <= last)
    if session.scalar(select(DashboardDirty.id).where(*window).limit(1)) is None:
        return 0
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    marks = session.execute(select(DashboardDirty.id, DashboardDirty.day).where(*window)).all()
    if not marks:
        return 0  # another refresh did it while this one waited for the lock
    days = {day for _, day in marks}
    ordered = sorted(days)
    session.execute(delete(DashboardDay).where(DashboardDay.day.in_(ordered)))
    session.execute(delete(DashboardPlaceDay).where(DashboardPlaceDay.day.in_(ordered)))
    days_of = received_on(ordered, tz, dialect)
    session.execute(insert(DashboardDay).from_select(
        list(COLUMNS), summary_select(dialect, tz, *days_of)))
    for grain in GRAINS:
        session.execute(insert(DashboardPlaceDay).from_select(
            list(PLACE_COLUMNS), summary_select(dialect, tz, *days_of, grain=grain)))
    rebuild_months(session, {d.replace(day=1) for d in ordered})
    session.execute(delete(DashboardDirty).where(
        DashboardDirty.id.in_([mark_id for mark_id, _ in marks])))
    session.flush()
    return len(ordered)


def refresh_marked(session: Session, *, tz: str) -> int:
    """Rebuild every marked day, whatever its date (the hourly beat task: days nobody
    views do not collect marks, and the first view after a quiet spell is quick)."""
    first, last = session.execute(select(func.min(DashboardDirty.day),
                                         func.max(DashboardDirty.day))).one()
    if first is None or last is None:
        return 0
    return refresh(session, first, last, tz=tz)


def refresh_all(session: Session, *, tz: str) -> int:
    """Mark and rebuild every day (after a bulk import that bypassed the ORM)."""
    bounds = session.execute(select(func.min(Ticket.created_at),
                                    func.max(Ticket.created_at))).one()
    if bounds[0] is None:
        return 0
    first, last = local_day(bounds[0], tz), local_day(bounds[1], tz)
    day = first
    while day <= last:
        session.add(DashboardDirty(day=day))
        day += timedelta(days=1)
    session.flush()
    return refresh(session, first, last, tz=tz)
