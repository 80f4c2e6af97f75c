"""Working-day arithmetic for the SP4N-LAPOR! deadlines.

Weekends and Indonesian public holidays (from the ``holidays`` package) are
not working days. Deadlines are due at the end of the last working day in the
office's time zone, stored as naive UTC like every other timestamp here.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

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
