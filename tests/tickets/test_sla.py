from __future__ import annotations

from datetime import date, datetime

from tickets import sla


def test_weekends_are_not_working_days():
    assert sla.add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)  # Fri -> Mon


def test_indonesian_public_holidays_are_skipped():
    # 17 August 2026 (Independence Day) is a Monday.
    assert not sla.is_working_day(date(2026, 8, 17))
    assert sla.add_working_days(date(2026, 8, 14), 1) == date(2026, 8, 18)
    # Christmas 2026 is a Friday.
    assert sla.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)


def test_verification_is_due_three_working_days_later_at_the_end_of_the_local_day():
    created = datetime(2026, 11, 19, 3, 0)  # Thursday 10:00 WIB
    due = sla.due_after(created, sla.VERIFY_DAYS, "Asia/Jakarta")
    assert due == datetime(2026, 11, 24, 16, 59, 59)  # Tuesday 23:59:59 WIB in UTC


def test_a_late_evening_call_counts_from_the_local_date():
    created = datetime(2026, 11, 20, 18, 0)  # Saturday 01:00 WIB, though Friday in UTC
    due = sla.due_after(created, 1, "Asia/Jakarta")
    assert due.date() == date(2026, 11, 23)


def test_working_days_between_counts_forward_and_backward():
    assert sla.working_days_between(date(2026, 11, 20), date(2026, 11, 27)) == 5
    assert sla.working_days_between(date(2026, 11, 27), date(2026, 11, 20)) == -5
