"""Working time for the dashboard: local days and working hours.

Working time counts every second of a working day (``tickets.sla.is_working_day``: no
weekends, no Indonesian public holidays) in the office's zone and none of the other
days, so "working hours to answer" skips a long weekend. A ticket's working clock
``W(t)`` is the working days before its local day times 86,400 plus, on a working day,
the seconds since local midnight; a span is ``W(end) - W(start)``. The lifecycle stamps
each ticket's spans when they end (:func:`work_seconds`), so the dashboard's medians
read a column rather than a calendar per row.

Local days use the zone's fixed UTC offset: Indonesia's zones (WIB, WITA, WIT) have
no daylight saving time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, SQLColumnExpression, cast, func
from sqlalchemy.sql.elements import ColumnElement

from tickets.sla import is_working_day, working_days_between

DAY = 86400
EPOCH = date(1970, 1, 1)


def offset_seconds(tz: str) -> int:
    offset = ZoneInfo(tz).utcoffset(datetime(2000, 1, 1))
    return int(offset.total_seconds()) if offset is not None else 0


def local_day_sql(column: SQLColumnExpression[datetime], tz: str,
                  dialect: str) -> ColumnElement[object]:
    """The local date of a stored (naive UTC) time: a date on PostgreSQL, text on SQLite
    (:func:`as_date` reads either)."""
    minutes = offset_seconds(tz) // 60
    if dialect == "postgresql":
        return cast(column + timedelta(minutes=minutes), Date)
    return func.date(column, f"{minutes:+d} minutes")


def as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


class WorkCalendar:
    """Working days from ``first`` to ``last`` (local dates), with their running count."""

    def __init__(self, first: date, last: date) -> None:
        self.first = first
        self.last = last
        self.working: list[int] = []
        self.before: list[int] = []  # working days from ``first`` before each day
        count = 0
        day = first
        while day <= last:
            works = 1 if is_working_day(day) else 0
            self.before.append(count)
            self.working.append(works)
            count += works
            day += timedelta(days=1)

    def clock(self, at: datetime, tz: str) -> float | None:
        """``W(at)`` in seconds; None outside the calendar."""
        local = at.timestamp() if at.tzinfo else (at - datetime(1970, 1, 1)).total_seconds()
        local += offset_seconds(tz)
        index = int(local // DAY) - (self.first - EPOCH).days
        if not 0 <= index < len(self.working):
            return None
        return self.before[index] * DAY + self.working[index] * (local - (local // DAY) * DAY)


def working_seconds(start: datetime, end: datetime, calendar: WorkCalendar,
                    tz: str) -> float | None:
    """Working seconds from ``start`` to ``end`` (naive UTC); None outside the calendar."""
    a, b = calendar.clock(start, tz), calendar.clock(end, tz)
    return None if a is None or b is None else b - a


def work_seconds(start: datetime, end: datetime, tz: str) -> int | None:
    """Working seconds from ``start`` to ``end`` (naive UTC); None when ``end`` is earlier."""
    if end < start:
        return None
    offset = timedelta(seconds=offset_seconds(tz))
    calendar = WorkCalendar((start + offset).date(), (end + offset).date())
    span = working_seconds(start, end, calendar, tz)
    return None if span is None else round(span)


def working_days_age(created_local: date, today: date, calendar: WorkCalendar) -> int:
    """Working days after ``created_local`` up to ``today`` (``sla.working_days_between``)."""
    def index(day: date) -> int:
        return (day - calendar.first).days

    i, j = index(created_local), index(today)
    if 0 <= i < len(calendar.working) and 0 <= j < len(calendar.working):
        return (calendar.before[j] + calendar.working[j]) - (calendar.before[i]
                                                              + calendar.working[i])
    return working_days_between(created_local, today)
