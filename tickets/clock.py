"""Time: naive UTC in the database, the office's zone on the way out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload
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


@overload
def iso_utc(at: datetime) -> str: ...
@overload
def iso_utc(at: None) -> None: ...
@overload
def iso_utc(at: datetime | None) -> str | None: ...
def iso_utc(at: datetime | None) -> str | None:
    """A stored (naive UTC) time as ISO 8601 with its zone said: ``2026-12-01T01:00:00Z``.
    Without the ``Z`` a reader takes it for local time (seven hours off in WIB)."""
    if at is None:
        return None
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="seconds") + "Z"
