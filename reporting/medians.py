"""The dashboard's median working hours, exact as shown, without sorting a year of spans.

The page shows a median in hours to one decimal (half up). Spans are binned by that tenth
of an hour: bin ``b`` holds the spans ``v`` with ``(v + 180) // 360 == b``, every one of
which shows as ``b / 10`` hours. With each bin's count, smallest and largest span:

- when the middle span (or the middle two) fall in one bin, the median is in that bin
  and shows as ``b / 10``;
- when the middle two fall in two bins, they are the largest of the lower bin and the
  smallest of the upper one, and their mean is computed exactly.

So the figure equals the exact median of every span rounded half up to a tenth of an
hour (``tests/reporting`` compares it with ``statistics.median``). ``dashboard_span_months``
(``reporting.models``) keeps each month's bins per single filter the console offers;
a range reads the bins of its whole months that no change has marked since, and bins
the spans of its other days from the daily summary rows, as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import chain
from typing import Any

import numpy as np
from sqlalchemy import Date, and_, bindparam, delete, func, or_, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from reporting.models import DESA, KECAMATAN, DashboardSpanDay, DashboardSpanMonth
from tickets.lifecycle import SEEN_BY_POKJA, Principal
from tickets.models import Role

BIN_SECONDS = 360
MEASURES = ("verify", "forward", "answer")
ALL, CHANNEL, CATEGORY, POKJA, POKJA_SEEN = "all", "channel", "category", "pokja", "pokja_seen"

Bins = dict[int, list[int]]  # bin -> [count, smallest, largest]


def bin_of(seconds: int) -> int:
    return (int(seconds) + BIN_SECONDS // 2) // BIN_SECONDS


def hours(seconds: float) -> float:
    """Seconds as hours to one decimal, half up (the dashboard's rounding)."""
    return float((Decimal(seconds) / 3600).quantize(Decimal("0.1"), ROUND_HALF_UP))


def add(bins: Bins, b: int, n: int, lo: int, hi: int) -> None:
    found = bins.get(b)
    if found is None:
        bins[b] = [n, lo, hi]
    else:
        found[0] += n
        found[1] = min(found[1], lo)
        found[2] = max(found[2], hi)


def add_spans(bins: Bins, spans: Iterable[int]) -> None:
    """Bin ``spans`` (seconds): sorted once, each bin's count and its first and last span
    read off the sorted array (a page view between refreshes bins the marked days'
    hundreds of thousands of spans: a Python loop per span took most of a second)."""
    values = np.sort(np.fromiter(spans, dtype=np.int64))
    if not values.size:
        return
    keys, first, counts = np.unique((values + BIN_SECONDS // 2) // BIN_SECONDS,
                                    return_index=True, return_counts=True)
    for b, i, n in zip(keys.tolist(), first.tolist(), counts.tolist(), strict=True):
        add(bins, b, n, int(values[i]), int(values[i + n - 1]))


class Inexact(Exception):
    """The median falls between two bins and one of their edges may have been a span
    taken away (:func:`remove_spans`): the bins no longer know it exactly."""


def remove_spans(bins: Bins, spans: Iterable[int], doubtful: set[int]) -> None:
    """Take ``spans`` (seconds) out of their bins: counts are exact, but a bin whose
    smallest or largest span was one of them may now hold neither: it is ``doubtful``."""
    for v in spans:
        b = bin_of(v)
        found = bins.get(b)
        if found is None or found[0] <= 0:
            raise Inexact(f"span {v} was never binned")
        found[0] -= 1
        if not found[0]:
            del bins[b]
            doubtful.discard(b)
        elif v in (found[1], found[2]):
            doubtful.add(b)


def median(bins: Bins, doubtful: frozenset[int] | set[int] = frozenset()
           ) -> tuple[float | None, int]:
    """The median in hours as shown (half up to a tenth), and the number of spans;
    :class:`Inexact` when it needs an edge of a ``doubtful`` bin."""
    total = sum(v[0] for v in bins.values())
    if not total:
        return None, 0
    lower_rank, upper_rank = (total - 1) // 2, total // 2
    seen = 0
    lower = upper = None
    for b in sorted(bins):
        n = bins[b][0]
        if lower is None and lower_rank < seen + n:
            lower = b
        if upper_rank < seen + n:
            upper = b
            break
        seen += n
    assert lower is not None and upper is not None
    if lower == upper:
        return lower / 10, total
    if lower in doubtful or upper in doubtful:
        raise Inexact(f"the median lies between bins {lower} and {upper}")
    return hours((bins[lower][2] + bins[upper][1]) / 2), total


def single_filter(user: Principal, scope: Any) -> tuple[str, str] | None:
    """The one filter of ``scope`` the month bins are kept by (``(ALL, "")`` for none),
    or None when it has several (then its spans are few enough to bin per view)."""
    if scope.where:
        return None
    given: list[tuple[str, str]] = []
    if scope.channel is not None:
        given.append((CHANNEL, scope.channel.value))
    if scope.category_id is not None:
        given.append((CATEGORY, str(scope.category_id)))
    if scope.kecamatan_id is not None:
        given.append((KECAMATAN, str(scope.kecamatan_id)))
    if scope.desa_id is not None:
        given.append((DESA, str(scope.desa_id)))
    if user.role is Role.POKJA:
        given.append((POKJA_SEEN, str(scope.pokja_id)))
    elif scope.pokja_id is not None:
        given.append((POKJA, str(scope.pokja_id)))
    if not given:
        return ALL, ""
    return given[0] if len(given) == 1 else None


def whole_months(first: date, last: date, marked: Sequence[date]) -> list[date]:
    """The months wholly inside ``first`` .. ``last`` with no marked day."""
    touched = {d.replace(day=1) for d in marked}
    out = []
    month = first.replace(day=1)
    if month < first:
        month = _next(month)
    while _next(month) - timedelta(days=1) <= last:
        if month not in touched:
            out.append(month)
        month = _next(month)
    return out


def _next(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def besides(first: date, last: date, months: Sequence[date]) -> list[tuple[date, date]]:
    """The runs of days of ``first`` .. ``last`` outside ``months`` (sorted, inside the
    range), each as its first and last day."""
    runs: list[tuple[date, date]] = []
    start = first
    for month in sorted(months):
        if start < month:
            runs.append((start, month - timedelta(days=1)))
        start = _next(month)
    if start <= last:
        runs.append((start, last))
    return runs


def within(day: Any, runs: Sequence[tuple[date, date]]) -> ColumnElement[bool]:
    """A condition on a day column: in one of ``runs`` (a range each: an index reads
    them as ranges, where "not in these months" read the whole range and filtered)."""
    return or_(False, *[and_(day >= a, day <= b) for a, b in runs])


def from_days(session: Session, runs: Sequence[tuple[date, date]],
              excluded: Sequence[date], into: dict[str, Bins]) -> None:
    """Add the unfiltered bins of the days in ``runs`` but ``excluded``."""
    if not runs:
        return
    T = DashboardSpanDay  # noqa: N806
    where = [within(T.day, runs)]
    if excluded:
        where.append(T.day.not_in(list(excluded)))
    for measure, b, n, lo, hi in session.execute(
            select(T.measure, T.bin, func.sum(T.n), func.min(T.lo), func.max(T.hi))
            .where(*where).group_by(T.measure, T.bin)):
        add(into[measure], int(b), int(n), int(lo), int(hi))


def from_months(session: Session, dim: tuple[str, str],
                months: Sequence[date]) -> dict[str, Bins]:
    out: dict[str, Bins] = {m: {} for m in MEASURES}
    if not months:
        return out
    T = DashboardSpanMonth  # noqa: N806
    for measure, b, n, lo, hi in session.execute(
            select(T.measure, T.bin, func.sum(T.n), func.min(T.lo), func.max(T.hi))
            .where(T.dim == dim[0], T.key == dim[1], T.month.in_(list(months)))
            .group_by(T.measure, T.bin)):
        add(out[measure], int(b), int(n), int(lo), int(hi))
    return out


def from_rows(session: Session, D: Any, where: Sequence[ColumnElement[bool]],  # noqa: N803
              dialect: str, into: dict[str, Bins]) -> None:
    """Bin the spans of the summary rows ``where`` selects (PostgreSQL groups them in
    the database; SQLite reads the lists)."""
    for m in MEASURES:
        if dialect == "postgresql":
            spans = select(func.unnest(D[f"{m}_spans"]).label("v")).where(*where).subquery()
            b = (spans.c.v + BIN_SECONDS // 2) // BIN_SECONDS  # integer division
            for bn, n, lo, hi in session.execute(
                    select(b, func.count(), func.min(spans.c.v), func.max(spans.c.v))
                    .group_by(b)):
                add(into[m], int(bn), int(n), int(lo), int(hi))
        else:
            add_spans(into[m], chain.from_iterable(
                lists or () for lists in session.scalars(select(D[f"{m}_spans"]).where(*where))))


# --- the month bins, rebuilt by reporting.rollup.refresh -------------------------------

_SEEN = ", ".join(f"'{s.value}'" for s in sorted(SEEN_BY_POKJA))
_PG_MONTH = f"""
INSERT INTO dashboard_span_months (month, dim, key, measure, bin, n, lo, hi)
SELECT :month, s.dim, s.key, s.measure, (s.v + 180) / 360, count(*), min(s.v), max(s.v)
FROM (
    SELECT d.dim, d.key, m.measure, m.v FROM dashboard_days t
    CROSS JOIN LATERAL (VALUES ('all', ''), ('channel', t.channel),
        ('category', t.category_id::text), ('pokja', t.pokja_id::text),
        ('pokja_seen', CASE WHEN t.status IN ({_SEEN}) THEN t.pokja_id::text END)) d(dim, key)
    CROSS JOIN LATERAL (SELECT 'verify', unnest(t.verify_spans) UNION ALL
        SELECT 'forward', unnest(t.forward_spans) UNION ALL
        SELECT 'answer', unnest(t.answer_spans)) m(measure, v)
    WHERE t.day >= :month AND t.day < :next AND d.key IS NOT NULL
    UNION ALL
    SELECT t.grain, CASE WHEN t.grain = 'desa' THEN t.desa_id ELSE t.kecamatan_id END::text,
        m.measure, m.v FROM dashboard_place_days t
    CROSS JOIN LATERAL (SELECT 'verify', unnest(t.verify_spans) UNION ALL
        SELECT 'forward', unnest(t.forward_spans) UNION ALL
        SELECT 'answer', unnest(t.answer_spans)) m(measure, v)
    WHERE t.day >= :month AND t.day < :next
) s
GROUP BY s.dim, s.key, s.measure, (s.v + 180) / 360
"""


def day_bins_sql(dialect: str) -> str:
    """INSERT the bins of the days ``:days`` names (expanding) from their summary rows."""
    if dialect == "postgresql":
        return """
INSERT INTO dashboard_span_days (day, measure, bin, n, lo, hi)
SELECT t.day, m.measure, (m.v + 180) / 360, count(*), min(m.v), max(m.v)
FROM dashboard_days t
CROSS JOIN LATERAL (SELECT 'verify', unnest(t.verify_spans) UNION ALL
    SELECT 'forward', unnest(t.forward_spans) UNION ALL
    SELECT 'answer', unnest(t.answer_spans)) m(measure, v)
WHERE t.day IN :days
GROUP BY t.day, m.measure, (m.v + 180) / 360"""
    # SQLite keeps the spans as JSON lists: json_each reads them.
    return ("INSERT INTO dashboard_span_days (day, measure, bin, n, lo, hi) "
            "SELECT day, measure, (v + 180) / 360, count(*), min(v), max(v) FROM ("
            + " UNION ALL ".join(f"SELECT t.day AS day, '{m}' AS measure, j.value AS v "
                                 f"FROM dashboard_days t, json_each(t.{m}_spans) j "
                                 f"WHERE t.day IN :days" for m in MEASURES)
            + ") GROUP BY day, measure, (v + 180) / 360")


def rebuild_days(session: Session, days: Sequence[date]) -> None:
    """The bins of ``days`` from their summary rows (after those were rebuilt)."""
    if not days:
        return
    session.execute(delete(DashboardSpanDay).where(DashboardSpanDay.day.in_(list(days))))
    session.execute(text(day_bins_sql(session.get_bind().dialect.name)).bindparams(
        bindparam("days", list(days), expanding=True, type_=Date)))


def rebuild_months(session: Session, months: Iterable[date]) -> None:
    """The bins of ``months`` from the daily summary rows (after those were rebuilt)."""
    from reporting.models import DashboardPlaceDay
    from tickets.models import DashboardDay

    months = sorted(set(months))
    if not months:
        return
    session.execute(delete(DashboardSpanMonth).where(DashboardSpanMonth.month.in_(months)))
    dialect = session.get_bind().dialect.name
    for month in months:
        if dialect == "postgresql":
            session.execute(text(_PG_MONTH).bindparams(
                bindparam("month", month), bindparam("next", _next(month))))
            continue
        bins: dict[tuple[str, str, str], Bins] = {}
        seen = {s.value for s in SEEN_BY_POKJA}
        D = DashboardDay  # noqa: N806
        for row in session.execute(select(D).where(D.day >= month, D.day < _next(month))
                                   ).scalars():
            keys = [(ALL, ""), (CHANNEL, row.channel)]
            if row.category_id is not None:
                keys.append((CATEGORY, str(row.category_id)))
            if row.pokja_id is not None:
                keys.append((POKJA, str(row.pokja_id)))
                if row.status in seen:
                    keys.append((POKJA_SEEN, str(row.pokja_id)))
            _bin_row(bins, keys, row)
        P = DashboardPlaceDay  # noqa: N806
        for placed in session.execute(select(P).where(P.day >= month, P.day < _next(month))
                                      ).scalars():
            place = placed.desa_id if placed.grain == DESA else placed.kecamatan_id
            _bin_row(bins, [(placed.grain, str(place))], placed)
        session.add_all(DashboardSpanMonth(month=month, dim=dim, key=key, measure=measure,
                                           bin=b, n=n, lo=lo, hi=hi)
                        for (dim, key, measure), found in bins.items()
                        for b, (n, lo, hi) in found.items())
    session.flush()


def _bin_row(bins: dict[tuple[str, str, str], Bins], keys: list[tuple[str, str]],
             row: Any) -> None:
    for m in MEASURES:
        spans = getattr(row, f"{m}_spans") or ()
        if not spans:
            continue
        for dim, key in keys:
            add_spans(bins.setdefault((dim, key, m), {}), spans)
