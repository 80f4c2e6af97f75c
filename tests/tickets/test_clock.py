"""Timestamps leave the system as UTC with a ``Z`` (tickets.clock.iso_utc)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tickets.clock import iso_utc


def test_a_stored_time_is_written_as_utc_with_z():
    assert iso_utc(datetime(2026, 12, 1, 1, 0, 5, 123456)) == "2026-12-01T01:00:05Z"


def test_a_time_with_a_zone_is_written_in_utc():
    wib = timezone(timedelta(hours=7))
    assert iso_utc(datetime(2026, 12, 1, 8, 0, tzinfo=wib)) == "2026-12-01T01:00:00Z"


def test_no_time_is_none():
    assert iso_utc(None) is None
