"""Migration 0027: the dashboard's change marks waiting at the upgrade named UTC dates;
after it they name local days, so each waiting mark also marks the days either side (a
UTC date's local days in any zone), and nothing a refresh should rebuild is forgotten; on
both backends."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import text

from hotline.migrate import upgrade
from tickets.db import make_engine


def _marks(engine) -> set[date]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return {d if isinstance(d, date) else date.fromisoformat(d)
                for (d,) in conn.execute(text("SELECT day FROM dashboard_dirty"))}


def test_waiting_utc_marks_cover_their_local_days_after_the_upgrade(
        database_at: Callable[[str], str]):
    url = database_at("0026")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM dashboard_dirty"))
        for day in ("2026-05-10", "2026-05-20"):
            conn.execute(text("INSERT INTO dashboard_dirty (day) VALUES (:d)"), {"d": day})
    upgrade(url, "0027")
    assert _marks(engine) == {date(2026, 5, d) for d in (9, 10, 11, 19, 20, 21)}
    engine.dispose()
