"""Time: naive UTC in the database, the office's zone on the way out."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Naive UTC: every timestamp in the database is stored this way."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(at: datetime, tz: str) -> datetime:
    """A stored (naive UTC) time in the zone ``tz``."""
    return at.replace(tzinfo=UTC).astimezone(ZoneInfo(tz))


def local_date_text(at: datetime | None, tz: str) -> str:
    """``dd-mm-yyyy`` in ``tz``, as Indonesian messages write a date; "-" for none."""
    return "-" if at is None else to_local(at, tz).strftime("%d-%m-%Y")
