"""The supervisors' dashboard: the figures over a date range, by aggregate SQL.

Every figure is a GROUP BY in the database, so a year of a province's tickets is never
loaded into Python: the range's figures and the backlog over the summaries
(``reporting.rollup``: the stored rows, and the days changed since the refresh summed from
their tickets once per view), what a deadline decides over the open tickets past one.
The definitions the report page shares (overdue) live in ``reporting.reports``; working
days and hours in ``tickets.sla``.

Definitions, for tickets received (created) in the range:
- verified on time: the call centre's first decision (``verified_at``: forwarded or
  rejected) at or before ``verify_due_at`` (3 working days); counted once decided or
  once the deadline has passed undecided;
- answered on time: ``answered_at`` at or before ``followup_due_at`` (5 working days after
  forwarding); counted once answered or once the deadline has passed unanswered;
- overdue now, backlog: open tickets as they stand now (the range does not apply);
- medians: working hours from received to verified, received to forwarded, forwarded
  to answered (stamped on the ticket by the lifecycle, ``tickets.sla``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import chain
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from analytics.models import TicketPlace
from feedback.satisfaction import PokjaSatisfaction, satisfaction_by_pokja
from reporting import medians as median_bins
from reporting import rollup
from reporting.models import DESA, KECAMATAN, DashboardPlaceDay
from reporting.reports import followup_overdue, verify_overdue
from tickets.clock import to_local, utcnow
from tickets.lifecycle import AT_DESK, AT_POKJA, SEEN_BY_POKJA, Principal
from tickets.models import Category, Channel, DashboardDay, Pokja, Role, Status, Ticket
from tickets.permissions import require_role
from tickets.queue import _local_midnight_utc
from tickets.sla import WorkCalendar, as_date, local_day_sql, working_days_age

PRESETS = {
    "30hari": "30 hari terakhir",
    "bulan-ini": "Bulan ini",
    "bulan-lalu": "Bulan lalu",
    "tahun-ini": "Tahun ini",
}
AGE_BUCKETS = (("0-3 hari kerja", 0, 3), ("4-5 hari kerja", 4, 5),
               ("6-10 hari kerja", 6, 10), ("> 10 hari kerja", 11, None))
OPEN = AT_DESK | AT_POKJA
NO_POKJA = "(belum ditentukan)"
NO_CATEGORY = "(tanpa kategori)"
WEEKLY_AFTER_DAYS = 62
VIEWERS = (Role.SUPERVISOR, Role.ADMIN, Role.POKJA)


def working_time(hours: float | None) -> str:
    """A median as read: ``35 menit`` under an hour (never ``0 jam``), else ``65,5 jam``;
    ``-`` without one."""
    if hours is None:
        return "-"
    if hours < 1:
        return f"{round(hours * 60)} menit"
    return f"{round(hours, 1):g} jam".replace(".", ",")


def preset_range(name: str, today: date) -> tuple[date, date]:
    """The dates (inclusive) of a preset, as of the office's ``today``."""
    if name == "bulan-ini":
        return today.replace(day=1), today
    if name == "bulan-lalu":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if name == "tahun-ini":
        return today.replace(month=1, day=1), today
    return today - timedelta(days=29), today


@dataclass(frozen=True)
class Scope:
    date_from: date
    date_to: date
    channel: Channel | None = None
    category_id: int | None = None
    pokja_id: int | None = None
    # The complaint's place (analytics' ticket_places): read from dashboard_place_days.
    kecamatan_id: int | None = None
    desa_id: int | None = None
    # Further conditions on Ticket from the edges. The summary tables do not know them:
    # a scope with any is summed live from the tickets.
    where: tuple[Any, ...] = ()

    @property
    def placed(self) -> bool:
        return self.kecamatan_id is not None or self.desa_id is not None


@dataclass
class PokjaSla:
    pokja: str
    verify_total: int = 0
    verify_ok: int = 0
    answer_total: int = 0
    answer_ok: int = 0
    verify_overdue_now: int = 0
    followup_overdue_now: int = 0

    @property
    def verify_share(self) -> float | None:
        return self.verify_ok / self.verify_total if self.verify_total else None

    @property
    def answer_share(self) -> float | None:
        return self.answer_ok / self.answer_total if self.answer_total else None


@dataclass
class Dashboard:
    scope: Scope
    weekly: bool
    periods: list[date]
    received: dict[Channel, list[int]]
    total: int
    by_category: list[tuple[str, int]]
    sla: list[PokjaSla]
    backlog_age: list[tuple[str, int]]
    backlog_status: list[tuple[Status, int]]
    medians: dict[str, float | None]
    median_samples: dict[str, int] = field(default_factory=dict)
    # The reporters' verdicts (feedback.satisfaction): ratings and reopenings in the range.
    satisfaction: list[PokjaSatisfaction] = field(default_factory=list)
    # Tickets received per (category id, pokja id, status): what the monthly report splits.
    received_by: dict[tuple[int | None, int | None, Status], int] = field(default_factory=dict)

    @property
    def verify_overdue_now(self) -> int:
        return sum(p.verify_overdue_now for p in self.sla)

    @property
    def followup_overdue_now(self) -> int:
        return sum(p.followup_overdue_now for p in self.sla)


def effective_scope(user: Principal, scope: Scope) -> Scope:
    """A pokja user's figures are its own pokja's, whatever the request asked for."""
    require_role(user, *VIEWERS)
    if user.role is Role.POKJA:
        return replace(scope, pokja_id=user.pokja_id if user.pokja_id is not None else -1)
    return scope


def filters_for(user: Principal, scope: Scope, *,
                probe: bool = False) -> list[ColumnElement[bool]]:
    """The scope's conditions on ``Ticket``. ``probe``: the place is looked up per ticket
    (for statements over some thousands of tickets: the open ones, the days marked since
    the refresh), never by scanning the place's tickets, which PostgreSQL prefers for
    EXISTS and which reads a kecamatan's half a million rows at 10 million tickets."""
    conds: list[ColumnElement[bool]] = []
    if scope.channel is not None:
        conds.append(Ticket.channel == scope.channel)
    if scope.category_id is not None:
        conds.append(Ticket.category_id == scope.category_id)
    if scope.pokja_id is not None:
        conds.append(Ticket.pokja_id == scope.pokja_id)
    for column, place_id in ((TicketPlace.kecamatan_id, scope.kecamatan_id),
                             (TicketPlace.desa_id, scope.desa_id)):
        if place_id is None:
            continue
        if probe:
            # A ticket has at most one place (ticket_id is the key): a scalar subquery,
            # which PostgreSQL runs per ticket through the index on ticket_id.
            conds.append(select(column).where(TicketPlace.ticket_id == Ticket.id)
                         .scalar_subquery() == place_id)
        else:
            conds.append(exists().where(TicketPlace.ticket_id == Ticket.id,
                                        column == place_id))
    if user.role is Role.POKJA:
        # What a pokja may see at all (tickets.permissions.can_view).
        conds.append(Ticket.status.in_(SEEN_BY_POKJA))
    conds.extend(scope.where)
    return conds


def range_condition(scope: Scope, tz: str) -> ColumnElement[bool]:
    """Received in the range: local midnight of ``date_from`` up to that after ``date_to``."""
    return and_(Ticket.created_at >= _local_midnight_utc(scope.date_from, tz),
                Ticket.created_at < _local_midnight_utc(scope.date_to + timedelta(days=1), tz))


def _names(session: Session) -> tuple[dict[int | None, str], dict[int | None, str]]:
    pokjas: dict[int | None, str] = {None: NO_POKJA}
    pokjas.update(session.execute(select(Pokja.id, Pokja.name)).all())
    categories: dict[int | None, str] = {None: NO_CATEGORY}
    categories.update(session.execute(select(Category.id, Category.name)).all())
    return pokjas, categories


# PostgreSQL settings for the dashboard's statements (restored after them, so the rest
# of the request's transaction runs as configured):
# - work_mem: the medians sort every span in the range; the default 4 MB spills a
#   year's ~300,000 spans to an on-disk merge sort; two years' fit in 64 MB (per sort);
# - plan_cache_mode: psycopg prepares a statement run five times and PostgreSQL then
#   reuses a generic plan, blind to the range: after a few 30-day views a year's view
#   walked 300,000 index entries by date instead of the few open tickets by status;
# - jit: the marked days' live sums cost enough for PostgreSQL to compile them, which
#   took longer than running them (0.5 s of 1 s at 10 million tickets).
PG_SETTINGS = {"work_mem": "64MB", "plan_cache_mode": "force_custom_plan", "jit": "off"}


@contextmanager
def _pg_settings(session: Session, dialect: str) -> Iterator[None]:
    if dialect != "postgresql":
        yield
        return
    previous = {name: session.scalar(select(func.current_setting(name)))
                for name in PG_SETTINGS}
    for name, value in PG_SETTINGS.items():
        session.execute(select(func.set_config(name, value, True)))
    yield
    # Not in a finally: after a failed statement the transaction is aborted (a rollback
    # ends ``set_config(..., true)`` anyway) and a restoring statement would mask the error.
    for name, old in previous.items():
        session.execute(select(func.set_config(name, old, True)))


def build(session: Session, user: Principal, scope: Scope, *, tz: str,
          now: datetime | None = None) -> Dashboard:
    """The dashboard's figures for ``scope`` as ``user`` may see them."""
    scope = effective_scope(user, scope)
    with _pg_settings(session, session.get_bind().dialect.name):
        return _build(session, user, scope, tz=tz, now=now)


def _build(session: Session, user: Principal, scope: Scope, *, tz: str,
           now: datetime | None) -> Dashboard:
    now = now or utcnow()
    today = to_local(now, tz).date()
    dialect = session.get_bind().dialect.name
    conds = filters_for(user, scope)
    in_range = [range_condition(scope, tz), *conds]
    # Statements over some thousands of tickets (the open ones, the marked days'): their
    # places looked up by key.
    probed = filters_for(user, scope, probe=True)
    pokja_names, category_names = _names(session)

    src: Any
    summary: list[ColumnElement[bool]] = []
    # A place filter reads the summary by place, every other scope the plain one.
    table: Any = DashboardPlaceDay.__table__ if scope.placed else DashboardDay.__table__
    # Between two refreshes (a page view writes nothing; the hourly task stores the
    # changes): the tickets changed since are known one by one, so the stored rows are
    # corrected by them (their stored rows taken back, the tickets as they stand added);
    # days a bulk write marked ("bare") are summed live from their tickets instead.
    bare_all = [] if scope.where else rollup.marked_days(session, *ALL_DAYS)
    marked = [d for d in bare_all if scope.date_from <= d <= scope.date_to]
    if scope.where:
        # The same rows as the summary's, from the range's tickets that match: exact,
        # and quick for a month (docs/dashboard.md: a year takes seconds).
        src = rollup.summary_select(dialect, tz, *in_range).subquery()
    else:
        src = table
        summary = [src.c.day >= scope.date_from, src.c.day <= scope.date_to,
                   *summary_filters(user, scope, table)]
        if marked:
            summary.append(src.c.day.not_in(marked))
    # The bare days summed once per view: the statements below read the stored rows and
    # add these in Python. (The marked days lie in the range: its own condition would
    # only blur the planner's estimate of the days' tickets.)
    changes = [] if scope.where else _changes(session, user, scope, probed, set(bare_all),
                                               tz, dialect)
    live = [*([_Row.of(row._mapping, 1) for row in session.execute(
                 rollup.live_select(dialect, tz, marked, probed))] if marked else []),
            *(r for r in changes if scope.date_from <= r.day <= scope.date_to)]
    D = src.c  # noqa: N806

    weekly = (scope.date_to - scope.date_from).days >= WEEKLY_AFTER_DAYS
    periods = _periods(scope, weekly)
    index = {p: i for i, p in enumerate(periods)}
    received: dict[Channel, list[int]] = {c: [0] * len(periods) for c in Channel}
    for raw_day, channel, n in session.execute(
            select(D.day, D.channel, func.sum(D.received))
            .where(*summary).group_by(D.day, D.channel)):
        d = as_date(raw_day)
        period = d - timedelta(days=d.weekday()) if weekly else d
        if period in index:
            received[Channel(channel)][index[period]] += int(n)
    for r in live:
        period = r.day - timedelta(days=r.day.weekday()) if weekly else r.day
        if period in index:
            received[Channel(r.channel)][index[period]] += r.received

    received_by: dict[tuple[int | None, int | None, Status], int] = {}
    per_category: dict[int | None, int] = defaultdict(int)
    for cid, pid, status, n in session.execute(
            select(D.category_id, D.pokja_id, D.status, func.sum(D.received)).where(*summary)
            .group_by(D.category_id, D.pokja_id, D.status)):
        received_by[(cid, pid, Status(status))] = int(n)
        per_category[cid] += int(n)
    for r in live:
        key = (r.category_id, r.pokja_id, r.status)
        received_by[key] = received_by.get(key, 0) + r.received
        per_category[r.category_id] += r.received
    # A correction can take a category's or a key's last ticket away: gone, as live.
    received_by = {key: n for key, n in received_by.items() if n}
    by_category = sorted(((category_names.get(cid, NO_CATEGORY), n)
                          for cid, n in per_category.items() if n),
                         key=lambda row: (-row[1], row[0]))

    late = _late_tickets(session, probed, range_condition(scope, tz), now)
    sla_rows = _sla(session, D, summary, live, late, pokja_names)
    backlog_age, backlog_status = _backlog(
        _open_by_day(session, user, scope, table, probed, bare_all, changes, tz, dialect),
        today)
    medians, samples = _medians(session, user, scope, D, summary, live, marked, probed, tz,
                                dialect)
    # Per pokja and range only: ratings and reopenings carry no channel or category.
    satisfaction = [r for r in satisfaction_by_pokja(session, scope.date_from, scope.date_to, tz)
                    if scope.pokja_id is None or r.pokja_id == scope.pokja_id]
    return Dashboard(scope, weekly, periods, received, sum(n for _, n in by_category),
                     by_category, sla_rows, backlog_age, backlog_status, medians, samples,
                     satisfaction, received_by)


@dataclass(frozen=True)
class _Row:
    """A summary row the view adds to the stored ones: summed live from its tickets
    (``sign`` 1) or, for the tickets changed since the refresh, what the summaries
    stored of them taken back (``sign`` -1: its counts negative, its spans removed)."""

    day: date
    channel: str
    category_id: int | None
    pokja_id: int | None
    status: Status
    received: int
    verified: int
    verified_ok: int
    answered: int
    answered_ok: int
    spans: dict[str, list[int]]
    sign: int

    @classmethod
    def of(cls, row: Any, sign: int) -> _Row:
        received, verified, verified_ok, answered, answered_ok = (
            sign * int(row[k]) for k in ("received", *rollup.COUNTS))
        return cls(as_date(row["day"]), row["channel"], row["category_id"], row["pokja_id"],
                   Status(row["status"]), received, verified, verified_ok, answered,
                   answered_ok, {m: list(row[f"{m}_spans"] or ()) for m in MEASURES}, sign)


def _changes(session: Session, user: Principal, scope: Scope,
             probed: list[ColumnElement[bool]], bare: set[date], tz: str,
             dialect: str) -> list[_Row]:
    """The correction for the tickets changed since the refresh that the scope selects,
    on every day but the ``bare`` ones (summed live whole): their stored rows taken back
    (the scope's filters on what was stored) and their rows as they stand added."""
    stored = rollup.stored_changes()
    rows = [_Row.of(row._mapping, -1) for row in session.execute(
        rollup.stored_rows_select(stored, dialect, *summary_filters(user, scope, stored)))]
    rows += [_Row.of(row._mapping, 1) for row in session.execute(
        rollup.current_rows_select(dialect, tz, *probed))]
    return [r for r in rows if r.day not in bare]


def summary_filters(user: Principal, scope: Scope,
                    table: Any = None) -> list[ColumnElement[bool]]:
    """:func:`filters_for`, on the summary table (``dashboard_days``, or
    ``dashboard_place_days`` for a place filter) or on the changed tickets' stored rows
    (``reporting.rollup.stored_changes``: a place of their own, no grain)."""
    D = (table if table is not None else DashboardDay.__table__).c  # noqa: N806
    conds: list[ColumnElement[bool]] = []
    if scope.placed and "grain" in D:
        conds.append(D.grain == (DESA if scope.desa_id is not None else KECAMATAN))
    if scope.desa_id is not None:
        conds.append(D.desa_id == scope.desa_id)
    if scope.kecamatan_id is not None:
        conds.append(D.kecamatan_id == scope.kecamatan_id)
    if scope.channel is not None:
        conds.append(D.channel == scope.channel.value)
    if scope.category_id is not None:
        conds.append(D.category_id == scope.category_id)
    if scope.pokja_id is not None:
        conds.append(D.pokja_id == scope.pokja_id)
    if user.role is Role.POKJA:
        conds.append(D.status.in_([s.value for s in SEEN_BY_POKJA]))
    return conds


def _periods(scope: Scope, weekly: bool) -> list[date]:
    start = scope.date_from
    if weekly:
        start -= timedelta(days=start.weekday())
    step = timedelta(days=7 if weekly else 1)
    out = []
    while start <= scope.date_to:
        out.append(start)
        start += step
    return out


def _sla(session: Session, D: Any, summary: list[ColumnElement[bool]],  # noqa: N803
         live: list[_Row], late: list[_Late], names: dict[int | None, str]) -> list[PokjaSla]:
    rows: dict[int | None, PokjaSla] = {}
    received: dict[int | None, int] = defaultdict(int)

    def row(pid: int | None) -> PokjaSla:
        return rows.setdefault(pid, PokjaSla(names.get(pid, NO_POKJA)))

    for pid, n, verified, verified_ok, answered, answered_ok in session.execute(
            select(D.pokja_id, func.sum(D.received), func.sum(D.verified),
                   func.sum(D.verified_ok), func.sum(D.answered), func.sum(D.answered_ok))
            .where(*summary).group_by(D.pokja_id)):
        r = row(pid)
        received[pid] += int(n)
        r.verify_total, r.verify_ok = int(verified or 0), int(verified_ok or 0)
        r.answer_total, r.answer_ok = int(answered or 0), int(answered_ok or 0)
    for lr in live:
        r = row(lr.pokja_id)
        received[lr.pokja_id] += lr.received
        r.verify_total += lr.verified
        r.verify_ok += lr.verified_ok
        r.answer_total += lr.answered
        r.answer_ok += lr.answered_ok
    # A pokja whose tickets in the range all moved away since the refresh: no row, as
    # when summed live (unless a ticket of its own is late, below).
    rows = {pid: r for pid, r in rows.items() if received[pid]}
    for t in late:
        r = row(t.pokja_id)
        if t.flags & _UNDECIDED_LATE:
            r.verify_total += t.n
        if t.flags & _UNANSWERED_LATE:
            r.answer_total += t.n
        if t.flags & _VERIFY_OVERDUE:
            r.verify_overdue_now += t.n
        if t.flags & _FOLLOWUP_OVERDUE:
            r.followup_overdue_now += t.n
    return sorted(rows.values(), key=lambda r: (r.pokja == NO_POKJA, r.pokja))


# What the clock says of an open ticket past a deadline (which the summary, built before
# the deadline passed, cannot know): bits of _Late.flags.
_UNDECIDED_LATE = 1     # received in the range, still undecided after verify_due_at
_UNANSWERED_LATE = 2    # received in the range, forwarded, unanswered after followup_due_at
_VERIFY_OVERDUE = 4     # reporting.reports.verify_overdue
_FOLLOWUP_OVERDUE = 8   # reporting.reports.followup_overdue


@dataclass(frozen=True)
class _Late:
    pokja_id: int | None
    flags: int
    n: int


def _late_tickets(session: Session, conds: list[ColumnElement[bool]],
                  in_range: ColumnElement[bool], now: datetime) -> list[_Late]:
    """The open tickets the scope selects that are past a deadline, counted per pokja and
    by what that means (the ``_..._LATE``/``_OVERDUE`` bits): "overdue now", and the
    range's tickets counted against their SLA once the deadline passed undecided or
    unanswered (which are overdue as well). One pass, over the open tickets past a
    deadline only (index-only on PostgreSQL: ``ix_tickets_open``)."""
    verify_late, followup_late = and_(*verify_overdue(now)), and_(*followup_overdue(now))
    checks = (
        (_UNDECIDED_LATE, and_(verify_late, Ticket.verified_at.is_(None), in_range)),
        (_UNANSWERED_LATE, and_(followup_late, Ticket.forwarded_at.is_not(None),
                                Ticket.answered_at.is_(None), in_range)),
        (_VERIFY_OVERDUE, verify_late),
        (_FOLLOWUP_OVERDUE, followup_late),
    )
    flags = sum((case((cond, bit), else_=0) for bit, cond in checks), literal(0))
    # Grouped outside: the flags' bound parameters (the clock) would otherwise be sent
    # twice, and PostgreSQL does not know $1 and $5 for the same expression.
    each = (select(Ticket.pokja_id.label("pokja_id"), flags.label("flags"))
            .where(Ticket.status.in_(OPEN), or_(verify_late, followup_late), *conds)
            .subquery())
    return [_Late(pokja_id, int(bits), int(n)) for pokja_id, bits, n in session.execute(
        select(each.c.pokja_id, each.c.flags, func.count())
        .group_by(each.c.pokja_id, each.c.flags))]


# Every day a ticket can have been received on: the backlog reads the summary whole.
ALL_DAYS = (date(1970, 1, 1), date(9999, 12, 31))


def _open_by_day(session: Session, user: Principal, scope: Scope, table: Any,
                 conds: list[ColumnElement[bool]], bare: list[date], changes: list[_Row],
                 tz: str, dialect: str) -> list[tuple[Status, date, int]]:
    """The open tickets the scope selects per status and local day received, whatever
    the range, from the summary (``table``): a status change marks the ticket's day, so
    the stored open rows are the open tickets; corrected by the tickets changed since the
    refresh (``changes``), the days a bulk write marked (``bare``) summed live. Read
    through the summaries' partial indexes on the open statuses (migration 0028), so a
    place's backlog reads no ticket."""
    counted: dict[tuple[Status, date], int] = defaultdict(int)
    queries = []
    if not scope.where:
        c = table.c
        queries.append(select(c.status, c.day, func.sum(c.received)).where(
            c.status.in_([s.value for s in OPEN]), *summary_filters(user, scope, table),
            *([c.day.not_in(bare)] if bare else [])).group_by(c.status, c.day))
    if scope.where or bare:
        # The tickets themselves: every one the scope selects (a filter the summary does
        # not know), or those of the bare days (through ``ix_tickets_open``).
        day = local_day_sql(Ticket.created_at, tz, dialect)
        received = rollup.received_on(bare, tz, dialect) if bare else ()
        queries.append(select(Ticket.status, day, func.count())
                       .where(Ticket.status.in_(OPEN), *conds, *received)
                       .group_by(Ticket.status, day))
    for query in queries:
        for status, raw_day, n in session.execute(query):
            counted[(Status(status), as_date(raw_day))] += int(n)
    for r in changes:
        if r.status in OPEN:
            counted[(r.status, r.day)] += r.received
    return [(status, d, n) for (status, d), n in counted.items() if n]


def _backlog(open_by_day: list[tuple[Status, date, int]], today: date
             ) -> tuple[list[tuple[str, int]], list[tuple[Status, int]]]:
    by_day: dict[date, int] = defaultdict(int)
    by_status: dict[Status, int] = defaultdict(int)
    for status, day, n in open_by_day:
        by_day[day] += n
        by_status[status] += n
    ages = [0] * len(AGE_BUCKETS)
    if by_day:
        calendar = WorkCalendar(min(min(by_day), today), max(max(by_day), today))
        for d, n in by_day.items():
            age = working_days_age(d, today, calendar)
            for i, (_, low, high) in enumerate(AGE_BUCKETS):
                if age >= low and (high is None or age <= high):
                    ages[i] += n
                    break
            else:
                ages[0] += n  # received "after" today's local date: a clock skew, age 0
    return ([(label, ages[i]) for i, (label, _, _) in enumerate(AGE_BUCKETS)],
            [(s, by_status.get(s, 0)) for s in Status if s in OPEN])


MEASURES = median_bins.MEASURES


def _medians(session: Session, user: Principal, scope: Scope, D: Any,  # noqa: N803
             summary: list[ColumnElement[bool]], live: list[_Row], marked: list[date],
             probed: list[ColumnElement[bool]], tz: str, dialect: str
             ) -> tuple[dict[str, float | None], dict[str, int]]:
    """Median working hours per measure over every ticket's span in the range (the
    lifecycle stamps them: ``tickets.sla.work_seconds``), exact as shown
    (``reporting.medians``): the range's whole months without a bare mark from their
    bins under a single filter, its other days binned from the summary rows, corrected
    by the tickets changed since the refresh. Should a span taken back leave the median
    on a bin edge nobody knows any more (rare: it must have been that edge), the days of
    the changes are summed live instead, which is exact."""
    try:
        return _binned_medians(session, user, scope, D, summary, live, marked, dialect)
    except median_bins.Inexact:
        days = sorted({r.day for r in live} | set(marked))
        whole = [_Row.of(row._mapping, 1) for row in session.execute(
            rollup.live_select(dialect, tz, days, probed))]
        return _binned_medians(session, user, scope, D, [*summary, D.day.not_in(days)],
                               whole, days, dialect)


def _binned_medians(session: Session, user: Principal, scope: Scope, D: Any,  # noqa: N803
                    summary: list[ColumnElement[bool]], live: list[_Row], marked: list[date],
                    dialect: str) -> tuple[dict[str, float | None], dict[str, int]]:
    dim = median_bins.single_filter(user, scope)
    months = (median_bins.whole_months(scope.date_from, scope.date_to, marked)
              if dim is not None else [])
    bins = median_bins.from_months(session, dim, months) if dim is not None else {
        m: {} for m in MEASURES}
    runs = median_bins.besides(scope.date_from, scope.date_to, months)
    if dim == (median_bins.ALL, ""):  # unfiltered: the other days' own bins
        median_bins.from_days(session, runs, marked, bins)
    elif runs:
        median_bins.from_rows(session, D, [*summary, median_bins.within(D.day, runs)],
                              dialect, bins)
    medians: dict[str, float | None] = {}
    samples: dict[str, int] = {}
    for m in MEASURES:
        added = Counter(chain.from_iterable(r.spans[m] for r in live if r.sign > 0))
        taken = Counter(chain.from_iterable(r.spans[m] for r in live if r.sign < 0))
        doubtful: set[int] = set()
        median_bins.add_spans(bins[m], (added - taken).elements())
        median_bins.remove_spans(bins[m], (taken - added).elements(), doubtful)
        medians[m], samples[m] = median_bins.median(bins[m], doubtful)
    return medians, samples
