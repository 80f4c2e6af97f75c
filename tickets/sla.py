"""The working calendar: SLA deadlines, working time, and the operator desk's hours.

**Deadlines** (SP4N-LAPOR!): weekends and Indonesian public holidays (from the
``holidays`` package) are not working days. Deadlines are due at the end of the last
working day in the office's time zone, stored as naive UTC like every other timestamp.

**Working time** (the dashboard): every second of a working day counts in the office's
zone and none of the other days, so "working hours to answer" skips a long weekend. A
ticket's working clock ``W(t)`` is the working days before its local day times 86,400
plus, on a working day, the seconds since local midnight; a span is ``W(end) -
W(start)``. The lifecycle stamps each ticket's spans when they end
(:func:`work_seconds`), so the dashboard's medians read a column rather than a calendar
per row. Local days use the zone's fixed UTC offset: Indonesia's zones (WIB, WITA, WIT)
have no daylight saving time.

**Office hours** of the call centre's operator desk (:class:`OfficeHours`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import Date, SQLColumnExpression, cast, func
from sqlalchemy.sql.elements import ColumnElement

VERIFY_DAYS = 3
FOLLOWUP_DAYS = 5
AUTO_CLOSE_DAYS = 10


@lru_cache(maxsize=32)
def _holidays_for(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("ID", years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays_for(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def due_after(start_utc: datetime, days: int, tz: str) -> datetime:
    """End of the working day ``days`` working days after ``start_utc``, as naive UTC."""
    zone = ZoneInfo(tz)
    local_start = start_utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    due_day = add_working_days(local_start.date(), days)
    local_due = datetime.combine(due_day, time(23, 59, 59), tzinfo=zone)
    return local_due.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when end < start)."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


# --- working time ------------------------------------------------------------

DAY = 86400
EPOCH = date(1970, 1, 1)


def offset_seconds(tz: str) -> int:
    offset = ZoneInfo(tz).utcoffset(datetime(2000, 1, 1))
    return int(offset.total_seconds()) if offset is not None else 0


def local_day(at: datetime, tz: str) -> date:
    """The local date of a stored (naive UTC) time, by the same fixed offset as
    :func:`local_day_sql` (the summaries' days), whatever a zone's summer time does."""
    return (at + timedelta(seconds=offset_seconds(tz))).date()


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


# --- office hours ------------------------------------------------------------

_HOURS = re.compile(r"^([1-7])-([1-7])\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
TZ_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
            "Asia/Jayapura": "WIT"}


def zone_name(tz: str) -> str:
    """``WIB``, ``WITA`` or ``WIT`` for an Indonesian zone; any other zone by its name."""
    return TZ_NAMES.get(tz, tz)


@dataclass(frozen=True)
class OfficeHours:
    """Days 1 (Monday) to 7 and a daily window, written ``1-5 08:00-16:00``."""

    first_day: int
    last_day: int
    opens: str
    closes: str

    @classmethod
    def parse(cls, raw: str) -> OfficeHours:
        m = _HOURS.match(raw.strip())
        if not m:
            raise ValueError(f"office hours must look like '1-5 08:00-16:00', got {raw!r}")
        d1, d2, h1, m1, h2, m2 = (int(g) for g in m.groups())
        if d1 > d2 or h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h1, m1) >= (h2, m2):
            raise ValueError(f"office hours are not a valid window: {raw!r}")
        return cls(d1, d2, f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}")

    def __str__(self) -> str:
        return f"{self.first_day}-{self.last_day} {self.opens}-{self.closes}"

    def is_open(self, now_utc: datetime, tz: str) -> bool:
        local = now_utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(tz))
        if not self.first_day <= local.isoweekday() <= self.last_day:
            return False
        return self.opens <= f"{local:%H:%M}" < self.closes

    def days_phrase(self) -> str:
        first, last = DAY_NAMES[self.first_day - 1], DAY_NAMES[self.last_day - 1]
        return first if first == last else f"{first} sampai {last}"
