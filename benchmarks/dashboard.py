"""Dashboard benchmark: up to 10,000,000 tickets on PostgreSQL, the page per preset and filter.

Seeds a PostgreSQL database of its own with one INSERT .. SELECT FROM generate_series
(three years of tickets, about one every 95 seconds, across the demo's channels,
categories and pokja, with realistic decisions, deadlines and a small open backlog),
builds the dashboard's summary table once (``reporting.rollup.refresh_all``: the bulk
INSERT bypassed the ORM that marks changed days), then signs in as the demo supervisor
through the Flask test client and times
``GET /console/dasbor?preset=...`` (the whole request: every query and the SVG).

Then the same pages between two hourly refreshes: a page view writes nothing, so the
tickets changed since the last ``reporting.dashboard_refresh`` correct the stored rows
(their rows as stored taken back, the tickets as they stand added:
``reporting.rollup.stored_changes``). ``--changed`` tickets of the 14 most recent days
are changed through the ORM as an hour of a province's desk would (decided, answered,
moved to another category, new), timed, then refreshed as the hourly task would.

Every preset is timed under every filter the console offers (``FILTERS``: channel,
category, pokja, kecamatan, desa and combinations); the places come from the demo
gazetteer, seven tickets in eight placed in a desa (and its kecamatan) by one INSERT ..
SELECT. The closing verdict covers every row printed.

Seeding is server-side (one INSERT .. SELECT FROM generate_series); the ticket table's
secondary indexes are dropped for it and built again after, which is several times
quicker than maintaining them row by row at 10M.

Rerun:
    make bench-dashboard
    PYTHONPATH=. .venv/bin/python -m benchmarks.dashboard --tickets 10000000 --runs 10
    PYTHONPATH=. .venv/bin/python -m benchmarks.dashboard --reseed   # drop and seed again

The database (``suarawarga_bench_dashboard`` on TEST_PG_ADMIN's server, default
postgresql://postgres@127.0.0.1:5432/test) is kept between runs; a run with the same
--tickets reuses it. ``--drop`` removes it at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import psycopg
from sqlalchemy import func, select, text

from hotline.app import create_app
from hotline.demo import DEMO_PASSWORD, seed_demo
from hotline.migrate import upgrade
from hotline.settings import load_settings
from reporting.dashboard import PRESETS
from reporting.rollup import refresh_all, refresh_marked
from tickets.clock import utcnow
from tickets.models import Ticket

PG_ADMIN = os.environ.get("TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")
DB_NAME = "suarawarga_bench_dashboard"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

# One statement: ticket i was received i * span/count seconds before now. Its fate is
# a function of i (deterministic): most are forwarded within 0-96 hours and answered
# within 0-180 hours (their working seconds stamped as 5/7 of that, as the lifecycle
# would roughly stamp them); some are rejected; the newest ones are still open.
SEED = """
INSERT INTO tickets (number, status, channel, category_id, pokja_id, priority, anonim,
    rahasia, contact_opt_out, transcription_status, answer_published, classification,
    created_at, updated_at, verify_due_at, verified_at, forwarded_at, followup_due_at,
    answered_at, closed_at, verify_work_seconds, forward_work_seconds, answer_work_seconds,
    version)
SELECT lpad(g.i::text, 8, '0'),
    CASE WHEN g.age < interval '2 days' AND g.i % 3 = 0 THEN 'awaiting_verification'
         WHEN g.age < interval '10 days' AND g.i % 5 = 1 THEN 'forwarded'
         WHEN g.age < interval '20 days' AND g.i % 7 = 2 THEN 'in_progress'
         WHEN g.i % 11 = 0 THEN 'rejected'
         WHEN g.age < interval '14 days' THEN 'answered'
         ELSE 'closed' END,
    (ARRAY['phone','phone','phone','phone_agent','walk_in','sms_wa','web'])[g.i % 7 + 1],
    c.id, c.pokja_id, 2, g.i % 9 = 0, g.i % 13 = 0, false, 'done', false,
    (ARRAY['pengaduan','pengaduan','pengaduan','aspirasi','permintaan_informasi'])[g.i % 5 + 1],
    g.created, g.created, g.created + interval '3 days', g.verified, g.forwarded,
    g.forwarded + interval '7 days', g.answered, g.answered + interval '14 days',
    CASE WHEN g.verified IS NOT NULL THEN (g.i % 97) * 2571 END,
    CASE WHEN g.forwarded IS NOT NULL THEN (g.i % 97) * 2571 END,
    CASE WHEN g.answered IS NOT NULL AND g.forwarded IS NOT NULL THEN (g.i % 181) * 2571 END,
    1
FROM (
    SELECT s.i, now() AT TIME ZONE 'UTC' - s.age AS created, s.age,
        CASE WHEN s.age >= interval '2 days' OR s.i % 3 <> 0
             THEN now() AT TIME ZONE 'UTC' - s.age + (s.i % 97) * interval '1 hour' END
             AS verified,
        CASE WHEN (s.age >= interval '2 days' OR s.i % 3 <> 0) AND s.i % 11 <> 0
             THEN now() AT TIME ZONE 'UTC' - s.age + (s.i % 97) * interval '1 hour' END
             AS forwarded,
        CASE WHEN s.i % 11 <> 0 AND NOT (s.age < interval '2 days' AND s.i % 3 = 0)
                  AND NOT (s.age < interval '10 days' AND s.i % 5 = 1)
                  AND NOT (s.age < interval '20 days' AND s.i % 7 = 2)
             THEN now() AT TIME ZONE 'UTC' - s.age + (s.i % 97 + s.i % 181) * interval '1 hour'
             END AS answered
    FROM (SELECT i, (i * (%(span)s::float / %(count)s)) * interval '1 second' AS age
          FROM generate_series(1, %(count)s) AS i) AS s
) AS g
JOIN (SELECT id, pokja_id, row_number() OVER (ORDER BY id) - 1 AS k FROM categories) AS c
  ON c.k = g.i % (SELECT count(*) FROM categories)
"""
SPAN_SECONDS = 3 * 365 * 86400


def _admin() -> psycopg.Connection:
    return psycopg.connect(PG_ADMIN, autocommit=True)


def _db_url() -> str:
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{DB_NAME}"


def prepare(count: int, reseed: bool) -> float | None:
    """The database with ``count`` tickets; the seconds seeding took (None: reused)."""
    with _admin() as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                               (DB_NAME,)).fetchone()
        if exists and reseed:
            admin.execute(f"DROP DATABASE {DB_NAME} WITH (FORCE)")
            exists = None
        if not exists:
            admin.execute(f"CREATE DATABASE {DB_NAME}")
    url = _db_url()
    upgrade(url)
    raw = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(raw) as conn:
        # The seed's size is written on the table: the changed-ticket timing adds
        # tickets, so a count of rows would not tell a reused database from another.
        seeded_with, have = conn.execute(
            "SELECT obj_description('tickets'::regclass), EXISTS (SELECT 1 FROM tickets)"
        ).fetchone() or (None, False)
        if seeded_with == f"benchmark seed: {count}":
            return None
    if have:
        return prepare(count, reseed=True)
    app = _app()
    with app.extensions["hotline"].session() as session:
        seed_demo(session)
        session.commit()
    app.extensions["hotline"].engine.dispose()
    started = time.perf_counter()
    with psycopg.connect(raw) as conn:
        # Built again after the bulk insert: one sort per index instead of 10M updates.
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tickets' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)").fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"'.encode())
        sql = SEED.replace("%(count)s", str(int(count))).replace("%(span)s",
                                                                str(SPAN_SECONDS))
        # The rows reference the demo's categories and pokja by construction: no per-row
        # foreign key checks (superuser only, as the benchmark's own database is).
        conn.execute(b"SET session_replication_role = replica")
        conn.execute(sql.encode())
        conn.execute(b"SET session_replication_role = DEFAULT")
        conn.execute(b"SET maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            conn.execute(definition.encode())
        conn.execute(f"COMMENT ON TABLE tickets IS 'benchmark seed: {int(count)}'".encode())
        conn.commit()
    with psycopg.connect(raw, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE tickets")
    seeded = time.perf_counter() - started
    # The INSERT bypassed the ORM, which marks the days it changes: summarise them all.
    app = _app()
    started = time.perf_counter()
    with app.extensions["hotline"].transaction() as session:
        days = refresh_all(session, tz=app.extensions["hotline"].settings.timezone)
    app.extensions["hotline"].engine.dispose()
    print(f"summary (dashboard_days) of {days} days built in "
          f"{time.perf_counter() - started:.1f} s")
    with psycopg.connect(raw, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE dashboard_days")
    return seeded


def _app():  # type: ignore[no-untyped-def]
    tmp = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    settings = load_settings({"DATABASE_URL": _db_url(), "SPEECH_ENGINE": "none",
                              "RECORDINGS_DIR": str(tmp / "rec"), "QUEUE_DIR": str(tmp / "q")})
    return create_app(settings, TESTING=True)


PLACED_SHARE = 8  # one ticket in eight has no place (a text that names none)


def place_tickets(app) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Load the gazetteer and place seven tickets in eight in a desa and its kecamatan
    (once, server-side); the busiest desa's id and its kecamatan's, for the filters."""
    from analytics.demo import seed_places

    with app.extensions["hotline"].session() as session:
        seed_places(session)
        session.commit()
        if session.scalar(text("SELECT count(*) FROM ticket_places")) == 0:
            started = time.perf_counter()
            # Seeding only: the rows are built from existing ids, so the per-row foreign
            # key checks (three index probes each, for millions of rows) are skipped.
            session.execute(text("SET LOCAL session_replication_role = replica"))
            session.execute(text(
                "INSERT INTO ticket_places (ticket_id, kecamatan_id, desa_id, source, "
                "updated_at) SELECT t.id, d.parent_id, d.id, 'otomatis', now() "
                "FROM tickets t JOIN (SELECT id, parent_id, row_number() OVER (ORDER BY id) - 1"
                " AS k FROM places WHERE kind = 'desa') d "
                "ON d.k = (t.id::bigint * 7919) "
                "% (SELECT count(*) FROM places WHERE kind = 'desa') "
                "WHERE t.id % :share <> 0"), {"share": PLACED_SHARE})
            session.commit()
            print(f"placed the tickets in {time.perf_counter() - started:.1f} s")
            with app.extensions["hotline"].transaction() as tx:
                started = time.perf_counter()
                refresh_all(tx, tz=app.extensions["hotline"].settings.timezone)
            print(f"summaries rebuilt with the places in {time.perf_counter() - started:.1f} s")
        session.execute(text("ANALYZE ticket_places"))
        session.execute(text("ANALYZE dashboard_days"))
        session.execute(text("ANALYZE dashboard_place_days"))
        session.commit()
        desa, kec = session.execute(text(
            "SELECT desa_id, kecamatan_id FROM ticket_places WHERE ticket_id <= 100000 "
            "GROUP BY desa_id, kecamatan_id ORDER BY count(*) DESC, desa_id LIMIT 1")).one()
        return int(kec), int(desa)


def filters(app, kec: int, desa: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(label, query string) of every filter the console offers and some combinations."""
    with app.extensions["hotline"].session() as session:
        category, pokja = session.execute(text(
            "SELECT id, pokja_id FROM categories ORDER BY id LIMIT 1")).one()
    return [
        ("semua", ""),
        ("saluran", "&channel=phone"),
        ("kategori", f"&category_id={category}"),
        ("pokja", f"&pokja_id={pokja}"),
        ("kecamatan", f"&kecamatan_id={kec}"),
        ("desa", f"&desa_id={desa}"),
        ("kec+saluran", f"&kecamatan_id={kec}&channel=phone"),
        ("desa+kategori", f"&desa_id={desa}&category_id={category}"),
        ("pokja+kat+sal", f"&pokja_id={pokja}&category_id={category}&channel=web"),
        ("kec+pokja+sal", f"&kecamatan_id={kec}&pokja_id={pokja}&channel=sms_wa"),
    ]


def _login(app):  # type: ignore[no-untyped-def]
    client = app.test_client()
    page = client.get("/console/masuk").get_data(as_text=True)
    token = TOKEN.search(page).group(1)  # type: ignore[union-attr]
    signed = client.post("/console/masuk", data={"username": "supervisor",
                                                 "password": DEMO_PASSWORD,
                                                 "csrf_token": token})
    assert signed.status_code == 302, "sign-in failed"
    return client


def change_recent(app, count: int, days: int = 14) -> int:  # type: ignore[no-untyped-def]
    """Change ``count`` tickets received in the ``days`` most recent days through the ORM,
    as an hour of a province's desk and pokja would (about 9,000 tickets a day at 10
    million, each verified, forwarded and answered within days: some 1,500 changes an
    hour): half the open ones decided or answered, a tenth moved to another category
    and pokja, and a quarter new tickets received now. Every write is captured as the
    product's own writes are (``reporting.rollup.track``). The number of tickets."""
    from tickets.models import Category, Channel, Status

    with app.extensions["hotline"].transaction() as session:
        latest = session.scalar(select(func.max(Ticket.created_at))) or utcnow()
        since = latest - timedelta(days=days)
        now = latest + timedelta(minutes=1)
        categories = session.execute(select(Category.id, Category.pokja_id)
                                     .order_by(Category.id)).all()
        moved = count // 10
        created = count // 4
        chosen = session.scalars(
            select(Ticket).where(Ticket.created_at >= since, Ticket.status.in_(
                (Status.AWAITING_VERIFICATION, Status.FORWARDED, Status.IN_PROGRESS)))
            .order_by(func.random()).limit(count - created)).all()
        for i, ticket in enumerate(chosen):
            if i < moved:  # the desk corrects the category, so the pokja with it
                ticket.category_id, ticket.pokja_id = categories[i % len(categories)]
            elif ticket.status is Status.AWAITING_VERIFICATION:
                ticket.status = Status.FORWARDED
                ticket.verified_at = ticket.forwarded_at = now
                ticket.verify_work_seconds = ticket.forward_work_seconds = 3600 + i
            else:
                ticket.status = Status.ANSWERED
                ticket.answered_at = now
                ticket.answer_work_seconds = 7200 + i
        first = int(session.scalar(select(func.max(Ticket.number))) or 0) + 1
        for i in range(created):
            category, pokja = categories[i % len(categories)]
            session.add(Ticket(
                number=f"{first + i:08d}", status=Status.AWAITING_VERIFICATION,
                channel=list(Channel)[i % len(Channel)], category_id=category, pokja_id=pokja,
                created_at=now - timedelta(seconds=i), verify_due_at=now + timedelta(days=3)))
        session.flush()
        return len(chosen) + created


def refresh_marked_days(app) -> int:  # type: ignore[no-untyped-def]
    """What the hourly ``reporting.dashboard_refresh`` does: store the marked days."""
    with app.extensions["hotline"].transaction() as session:
        return refresh_marked(session, tz=app.extensions["hotline"].settings.timezone)


def measure(runs: int, extra: str = "") -> dict[str, tuple[float, float, int]]:
    app = _app()
    client = _login(app)
    out = {}
    for preset in PRESETS:
        timings = []
        total = 0
        for i in range(runs + 1):
            started = time.perf_counter()
            response = client.get(f"/console/dasbor?preset={preset}{extra}")
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.status_code
            found = re.search(r'id="total-received">(\d+)<', response.get_data(as_text=True))
            total = int(found.group(1)) if found else -1
            if i:  # the first request warms the caches
                timings.append(elapsed)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        out[preset] = (statistics.median(timings), p95, total)
    app.extensions["hotline"].engine.dispose()
    return out


def _table(rows: list[tuple[str, dict[str, tuple[float, float, int]]]]) -> None:
    print(f"{'filter':<15} {'preset':<12} {'tickets in range':>17} {'p50 ms':>8} {'p95 ms':>8}")
    for label, results in rows:
        for preset, (p50, p95, total) in results.items():
            print(f"{label:<15} {preset:<12} {total:>17,} {p50:>8.0f} {p95:>8.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--changed", type=int, default=1500,
                        help="tickets of the 14 most recent days changed for a second "
                             "timing, between two refreshes (0: skip)")
    parser.add_argument("--only", nargs="*", help="time only these filters (labels)")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args(argv)
    seeded = prepare(args.tickets, args.reseed)
    print(f"seeded {args.tickets:,} tickets in {seeded:.1f} s" if seeded is not None
          else f"reusing {DB_NAME} with {args.tickets:,} tickets")
    app = _app()
    kec, desa = place_tickets(app)
    # Marks an interrupted run left (its --marked-days) would turn the first table into
    # the second: stored first, as the hourly task would.
    if leftover := refresh_marked_days(app):
        print(f"stored {leftover} days an earlier run left marked")
    chosen = [f for f in filters(app, kec, desa) if not args.only or f[0] in args.only]
    with app.extensions["hotline"].session() as session:
        version = session.scalar(text("SHOW server_version"))
    app.extensions["hotline"].engine.dispose()
    print(f"PostgreSQL {version}; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs")
    rows = [(label, measure(args.runs, extra)) for label, extra in chosen]
    print(f"\nGET /console/dasbor as the supervisor, {args.runs} runs after one warm-up:")
    _table(rows)
    timed = list(rows)
    if args.changed:
        app = _app()
        changed = change_recent(app, args.changed)
        app.extensions["hotline"].engine.dispose()
        marked = [(f"{label} (changed)", measure(args.runs, extra))
                  for label, extra in chosen[:1] + [f for f in chosen if f[0] == "kecamatan"]]
        app = _app()
        started = time.perf_counter()
        days = refresh_marked_days(app)
        stored = time.perf_counter() - started
        app.extensions["hotline"].engine.dispose()
        print(f"\nwith {changed:,} tickets of the 14 most recent days changed since the "
              f"last refresh, {args.runs} runs after one warm-up:")
        _table(marked)
        print(f"the hourly refresh then stored {days} days in {stored * 1000:.0f} ms")
        timed += marked
    worst_label, worst_preset, worst = max(
        ((label, preset, p95) for label, r in timed for preset, (_, p95, _) in r.items()),
        key=lambda row: row[2])
    count = sum(len(r) for _, r in timed)
    print(f"\ntarget: under 500 ms p95 per render, all {count} preset x filter rows: "
          f"{'met' if worst < 500 else 'NOT met'} (worst p95 {worst:.0f} ms: {worst_label}, "
          f"{worst_preset}); load average {os.getloadavg()[0]:.1f}")
    print(f"rerun: PYTHONPATH=. {sys.executable} -m benchmarks.dashboard "
          f"--tickets {args.tickets} --runs {args.runs}")
    if args.drop:
        with _admin() as admin:
            admin.execute(f"DROP DATABASE {DB_NAME} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
