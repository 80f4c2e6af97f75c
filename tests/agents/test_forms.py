"""Dates from forms, links and the CLI are read by one rule (agents.forms.parse_date), and
a range that ends before it starts is refused by one (agents.forms.check_range)."""

from __future__ import annotations

from datetime import date

import pytest

from agents import forms
from agents.dashboard import scope_from
from tickets.errors import InvalidInput


def test_a_date_is_yyyy_mm_dd_and_empty_is_none():
    assert forms.parse_date(" 2026-02-28 ", "date_from") == date(2026, 2, 28)
    assert forms.parse_date("", "date_from") is None
    assert forms.parse_date(None, "date_from") is None


@pytest.mark.parametrize("raw", ["2026-02-30", "28-02-2026", "2026/02/28", "kemarin"])
def test_anything_else_is_refused_on_its_field(raw):
    with pytest.raises(InvalidInput, match="TTTT-BB-HH") as refused:
        forms.parse_date(raw, "date_to")
    assert refused.value.field == "date_to"


def test_a_range_may_be_open_but_not_reversed():
    forms.check_range(date(2026, 1, 1), None)
    forms.check_range(date(2026, 1, 1), date(2026, 1, 1))
    with pytest.raises(InvalidInput, match="sebelum tanggal awal") as refused:
        forms.check_range(date(2026, 1, 2), date(2026, 1, 1))
    assert refused.value.field == "date_to"


def test_the_queue_and_the_dashboard_read_dates_alike():
    args = {"date_from": "2026-01-31", "date_to": "2026-01-01"}
    for read in (lambda: forms.filters(args, ()), lambda: scope_from(args, date(2026, 2, 1))):
        with pytest.raises(InvalidInput, match="sebelum tanggal awal"):
            read()
    bad = {"date_from": "31-01-2026"}
    for read in (lambda: forms.filters(bad, ()), lambda: scope_from(bad, date(2026, 2, 1))):
        with pytest.raises(InvalidInput, match="TTTT-BB-HH"):
            read()
