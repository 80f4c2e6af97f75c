"""The dashboard's summary table: the range figures without reading a year of tickets.

``dashboard_days`` holds, per local day, channel, category, pokja and status, what the
dashboard sums (received, verified and answered with and without delay) and each
ticket's working-time spans (so medians stay exact). It is never edited by hand:

- every flush that adds a ticket or changes what the summaries read of one captures the
  ticket's row as stored (``dashboard_changes``: :func:`capture`, before the flush
  writes) and marks the local day (the office's zone) it was received on
  (``dashboard_dirty``), in the same transaction as the change (:func:`track` subscribes
  :func:`mark_dirty` on the session factory in the composition root);
- the hourly task (``reporting.dashboard_refresh``, :func:`refresh_marked`) rebuilds the
  marked days' rows from the tickets with one INSERT .. SELECT .. GROUP BY each, and
  removes exactly the marks and changes it read (a change committed meanwhile keeps its
  own);
- the dashboard, a GET, writes nothing: it reads the stored rows, takes the changed
  tickets' stored rows back and adds those tickets as they stand
  (:func:`stored_rows_select`, :func:`current_rows_select`), so its figures are as fresh
  as the tickets. Days a write marked without capturing (a bulk write, marks older than
  migration 0029) are summed live from their tickets (:func:`live_select`).

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
from functools import cache
from typing import Any

from sqlalchemy import (
    Column,
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
from sqlalchemy.orm import MANYTOONE, Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.schema import Table
from sqlalchemy.sql.visitors import iterate

from analytics.models import TicketPlace
from reporting.medians import rebuild_days, rebuild_months
from reporting.models import DESA, KECAMATAN, DashboardChange, DashboardPlaceDay
from tickets.models import DashboardDay, DashboardDirty, Ticket
from tickets.sla import as_date, local_day, local_day_sql, offset_seconds

LOCK_KEY = 120_012  # pg_advisory_xact_lock: one refresh at a time


def mark_dirty(session: Session, tz: str) -> None:
    """before_flush: capture the tickets this flush changes as the summaries stored them
    (:func:`capture`, before this flush writes them) and mark the local days (in the
    office's zone ``tz``) they were and will be received on. A flush that changes nothing
    the summaries read (a transcript, a note, a priority) captures and marks nothing."""
    days: set[date] = set()
    changed: set[int] = set()
    watched = _watched()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, TicketPlace):
            # The place summary groups by the ticket's place: its ticket's row changes.
            if obj.ticket_id is not None:
                changed.add(obj.ticket_id)
            continue
        if not isinstance(obj, Ticket) or obj.id is None:
            continue  # a new ticket: captured once it has its id (:func:`captured_new`)
        state = inspect(obj)
        if obj in session.deleted or any(state.attrs[name].history.has_changes()
                                         for name in watched):
            changed.add(obj.id)
            if obj.created_at is not None:
                days.add(local_day(obj.created_at, tz))
    if changed:
        # The day each was stored on, whatever this flush moves it to (the old received
        # time need not be loaded).
        days.update(capture(session, sorted(changed), tz))
    for day in days:
        session.add(DashboardDirty(day=day, captured=True))


@cache
def _watched() -> frozenset[str]:
    """The ``Ticket`` attributes the summaries read (:func:`_per_ticket`) and the
    relationships that set their keys (``ticket.category = ...``)."""
    table = Ticket.__table__
    columns = {c.key for expr in _per_ticket("postgresql", "UTC").values()
               for c in iterate(expr.__clause_element__() if hasattr(
                   expr, "__clause_element__") else expr)
               if isinstance(c, Column) and c.table is table}
    mapper = inspect(Ticket)
    names = {mapper.get_property_by_column(table.c[key]).key for key in columns}
    names.update(rel.key for rel in mapper.relationships
                 if rel.direction is MANYTOONE
                 and {c.key for c in rel.local_columns} & columns)
    return frozenset(names)


def capture(session: Session, ticket_ids: Sequence[int], tz: str) -> set[date]:
    """Keep the rows the summaries hold of ``ticket_ids`` (what the database holds of
    them before this flush writes): one ``dashboard_changes`` row each, with its place;
    the local days they were stored on.

    On PostgreSQL the tickets are locked first, as the flush's own UPDATE will lock them
    (``FOR NO KEY UPDATE``: a row another transaction is adding beside a ticket, which
    holds ``FOR KEY SHARE`` on it, does not make this wait), and read by a second
    statement: after a wait for the lock it sees what the other transaction committed,
    the ticket's place included. So what is read is what the next refresh will or did
    store: no other transaction changes them between."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(select(Ticket.id).where(Ticket.id.in_(ticket_ids))
                        .with_for_update(key_share=True))
    each = _per_ticket(dialect, tz)
    query = (select(Ticket.id, *each.values(), TicketPlace.kecamatan_id, TicketPlace.desa_id)
             .select_from(Ticket)
             .outerjoin(TicketPlace, TicketPlace.ticket_id == Ticket.id)
             .where(Ticket.id.in_(ticket_ids)))
    return {as_date(day) for day in session.scalars(
        insert(DashboardChange).from_select(
            ["ticket_id", *each, "kecamatan_id", "desa_id"], query)
        .returning(DashboardChange.day)) if day is not None}


def captured_new(session: Session, tz: str) -> None:
    """after_flush: the tickets this flush created had no row in the summaries (their
    change rows say so, all None), and their days are marked."""
    created = [obj for obj in session.new if isinstance(obj, Ticket) and obj.id is not None]
    if not created:
        return
    session.execute(insert(DashboardChange), [{"ticket_id": t.id} for t in created])
    session.execute(insert(DashboardDirty), [
        {"day": day, "captured": True}
        for day in {local_day(t.created_at, tz) for t in created if t.created_at is not None}])


def track(maker: sessionmaker[Session], tz: str) -> None:
    """Mark changed days and capture changed tickets on every flush of ``maker``'s
    sessions (the composition root)."""
    from sqlalchemy import event

    def before_flush(session: Session, _context: object, _instances: object) -> None:
        mark_dirty(session, tz)

    def after_flush(session: Session, _context: object) -> None:
        captured_new(session, tz)

    event.listen(maker, "before_flush", before_flush)
    event.listen(maker, "after_flush", after_flush)


def _spans(column: Any, dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return func.array_remove(func.array_agg(column), None)
    return func.json_group_array(column).filter(column.is_not(None))


def _flag(cond: ColumnElement[bool]) -> ColumnElement[int]:
    return case((cond, 1), else_=0)


COLUMNS = ("day", "channel", "category_id", "pokja_id", "status", "received", "verified",
           "verified_ok", "answered", "answered_ok", "verify_spans", "forward_spans",
           "answer_spans")
PLACE_COLUMNS = ("grain", "kecamatan_id", "desa_id", *COLUMNS)
GRAINS = (KECAMATAN, DESA)
KEYS = COLUMNS[:5]                     # a summary row's key below its place
COUNTS = ("verified", "verified_ok", "answered", "answered_ok")
SPANS = ("verify", "forward", "answer")


def _per_ticket(dialect: str, tz: str) -> dict[str, Any]:
    """What one ticket adds to its summary row: the row's key, a flag per count and a
    span per measure (``dashboard_changes`` keeps these as they were stored)."""
    answered = and_(Ticket.forwarded_at.is_not(None), Ticket.followup_due_at.is_not(None),
                    Ticket.answered_at.is_not(None))
    return {
        "day": local_day_sql(Ticket.created_at, tz, dialect),
        "channel": Ticket.channel, "category_id": Ticket.category_id,
        "pokja_id": Ticket.pokja_id, "status": Ticket.status,
        "verified": _flag(Ticket.verified_at.is_not(None)),
        "verified_ok": _flag(Ticket.verified_at <= Ticket.verify_due_at),
        "answered": _flag(answered),
        "answered_ok": _flag(and_(answered, Ticket.answered_at <= Ticket.followup_due_at)),
        "verify_span": Ticket.verify_work_seconds,
        "forward_span": Ticket.forward_work_seconds,
        "answer_span": Ticket.answer_work_seconds,
    }


def _summed(each: dict[str, Any], dialect: str) -> tuple[Any, ...]:
    """The summary columns (``COLUMNS``) over the tickets ``each`` describes."""
    return (*(each[k] for k in KEYS), func.count(),
            *(func.coalesce(func.sum(each[k]), 0) for k in COUNTS),
            *(_spans(each[f"{m}_span"], dialect) for m in SPANS))


def _labelled(columns: Sequence[Any], names: Sequence[str], table: Table) -> list[Any]:
    return [type_coerce(c, table.c[name].type).label(name)
            for c, name in zip(columns, names, strict=True)]


def summary_select(dialect: str, tz: str, *where: ColumnElement[bool],
                   grain: str | None = None) -> Select[Any]:
    """The summary's rows (``COLUMNS``) of the tickets ``where`` selects, grouped as
    ``dashboard_days`` is: what :func:`refresh` stores, and what the dashboard reads live
    when a filter the summary does not know applies. With a ``grain`` (``KECAMATAN`` or
    ``DESA``), the rows of ``dashboard_place_days`` (``PLACE_COLUMNS``): the placed
    tickets, grouped by their kecamatan (and desa) as well."""
    each = _per_ticket(dialect, tz)
    columns: tuple[Any, ...] = _summed(each, dialect)
    names: tuple[str, ...] = COLUMNS
    group: list[Any] = [each[k] for k in KEYS]
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
    query = select(*_labelled(columns, names, table))
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
    """The local days from ``first`` to ``last`` changed since the summary stored them
    by writes whose tickets are not known one by one (bulk writes, marks from before
    migration 0029): summed live from their tickets (:func:`live_select`) until the
    refresh. Read without writing."""
    return list(session.scalars(select(DashboardDirty.day).distinct()
                                .where(DashboardDirty.day >= first, DashboardDirty.day <= last,
                                       DashboardDirty.captured.is_(False))
                                .order_by(DashboardDirty.day)))


def live_select(dialect: str, tz: str, marked: list[date],
                live_where: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """The summary rows (``COLUMNS``) of the ``marked`` local days (sorted, not empty)
    summed from their tickets (narrowed by ``live_where``): what :func:`refresh` would
    store for them."""
    return summary_select(dialect, tz, *received_on(marked, tz, dialect), *live_where)


def stored_changes() -> Any:
    """The changed tickets' rows as the summaries hold them: each ticket's earliest
    ``dashboard_changes`` row, those of tickets created since (``day`` None) left out.
    Its columns are the summary's key (``KEYS``), the counts' flags, the spans
    (``verify_span`` ...) and the place (``kecamatan_id``, ``desa_id``)."""
    C = DashboardChange  # noqa: N806
    return (select(C).where(C.day.is_not(None),
                            C.id.in_(select(func.min(C.id)).group_by(C.ticket_id)))
            .subquery("stored_change"))


def stored_rows_select(stored: Any, dialect: str, *where: ColumnElement[bool]) -> Select[Any]:
    """The summary rows (``COLUMNS``) the changed tickets ``where`` selects contributed
    when stored (``stored``: :func:`stored_changes`): what a view subtracts."""
    each = {name: stored.c[name] for name in (*KEYS, *COUNTS, *(f"{m}_span" for m in SPANS))}
    table: Table = DashboardDay.__table__  # type: ignore[assignment]
    return (select(*_labelled(_summed(each, dialect), COLUMNS, table))
            .where(*where).group_by(*(stored.c[k] for k in KEYS)))


def current_rows_select(dialect: str, tz: str, *where: ColumnElement[bool]) -> Select[Any]:
    """The summary rows (``COLUMNS``) of the changed tickets ``where`` selects as they
    stand: what a view adds."""
    return summary_select(dialect, tz, changed(), *where)


def changed() -> ColumnElement[bool]:
    """On ``Ticket``: changed since the summaries stored it."""
    return Ticket.id.in_(select(DashboardChange.ticket_id))


def refresh_marked(session: Session, *, tz: str, wait: bool = False) -> int:
    """Rebuild the summary of every marked day, whatever its date (the hourly beat task:
    days nobody views do not collect marks, and the first view after a quiet spell is
    quick); the number of local days rebuilt.

    Their rows are rebuilt from the tickets, and exactly the marks and captured changes
    it read are removed: a change committed meanwhile keeps its own. On PostgreSQL the
    refresh reads one snapshot (REPEATABLE READ, when it starts the transaction), so the
    changes it removes are exactly those its rows include; one refresh runs at a time (a
    second one finds the advisory lock taken and leaves the marks to the next hour, or
    with ``wait`` waits for it)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        if not session.in_transaction():
            session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        if wait:
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        elif not session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                {"key": LOCK_KEY}):
            return 0
    marks = session.execute(select(DashboardDirty.id, DashboardDirty.day)).all()
    if not marks:
        return 0
    changes = list(session.scalars(select(DashboardChange.id)))
    ordered = sorted({day for _, day in marks})
    session.execute(delete(DashboardDay).where(DashboardDay.day.in_(ordered)))
    session.execute(delete(DashboardPlaceDay).where(DashboardPlaceDay.day.in_(ordered)))
    days_of = received_on(ordered, tz, dialect)
    session.execute(insert(DashboardDay).from_select(
        list(COLUMNS), summary_select(dialect, tz, *days_of)))
    for grain in GRAINS:
        session.execute(insert(DashboardPlaceDay).from_select(
            list(PLACE_COLUMNS), summary_select(dialect, tz, *days_of, grain=grain)))
    rebuild_days(session, ordered)
    rebuild_months(session, {d.replace(day=1) for d in ordered})
    session.execute(delete(DashboardDirty).where(
        DashboardDirty.id.in_([mark_id for mark_id, _ in marks])))
    for start in range(0, len(changes), 10_000):
        session.execute(delete(DashboardChange).where(
            DashboardChange.id.in_(changes[start:start + 10_000])))
    session.flush()
    return len(ordered)


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
    return refresh_marked(session, tz=tz, wait=True)
