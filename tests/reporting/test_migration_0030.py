"""Migration 0030: the unfiltered dashboard's per-day bins are filled from the daily
summary rows already stored, on both backends, and agree with binning their spans."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

from sqlalchemy import text

from hotline.migrate import upgrade
from reporting.medians import Bins, add_spans
from tickets.db import make_engine

SPANS = {  # day -> (verify, forward, answer) of its rows
    "2026-05-10": [([100, 179, 180, 3600], [5000], []), ([181, 3599], [], [9000, 9001])],
    "2026-05-11": [([], [], [720])],
}


def test_the_day_bins_are_filled_from_the_stored_rows(database_at: Callable[[str], str]):
    url = database_at("0029")
    engine = make_engine(url)
    pg = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        for day, rows in SPANS.items():
            for verify, forward, answer in rows:
                values = [v if pg else json.dumps(v)
                          for v in (verify, forward, answer)]
                conn.execute(text(
                    "INSERT INTO dashboard_days (day, channel, status, received, verified, "
                    "verified_ok, answered, answered_ok, verify_spans, forward_spans, "
                    "answer_spans) VALUES (:day, 'phone', 'answered', 1, 0, 0, 0, 0, "
                    ":v, :f, :a)"), {"day": day, "v": values[0], "f": values[1],
                                     "a": values[2]})
    upgrade(url, "0030")
    expected: dict[tuple[date, str], Bins] = {}
    for day, rows in SPANS.items():
        for row in rows:
            for measure, spans in zip(("verify", "forward", "answer"), row, strict=True):
                if spans:
                    add_spans(expected.setdefault((date.fromisoformat(day), measure), {}),
                              spans)
    got: dict[tuple[date, str], Bins] = {}
    with engine.connect() as conn:
        for day, measure, b, n, lo, hi in conn.execute(text(
                "SELECT day, measure, bin, n, lo, hi FROM dashboard_span_days")):
            day = day if isinstance(day, date) else date.fromisoformat(day)
            got.setdefault((day, measure), {})[b] = [n, lo, hi]
    assert got == expected
    engine.dispose()
