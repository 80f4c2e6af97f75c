"""Public site and Open311 benchmark: seeds tickets (as benchmarks/console.py does),
publishes the answered and closed ones, and times the public pages and Open311 reads.

Rerun:
    PYTHONPATH=. python -m benchmarks.public                       # SQLite, 100,000 tickets
    PYTHONPATH=. python -m benchmarks.public --postgres
    PYTHONPATH=. python -m benchmarks.public --tickets 20000 --runs 5

Figures are the median of --runs timings through Flask's test client (query + render,
no network). The lookup limit is lifted for the run.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg
from sqlalchemy import func, select, text, update

from benchmarks.console import PG_ADMIN, seed, timed
from hotline.app import create_app
from hotline.migrate import upgrade
from hotline.settings import load_settings
from tickets.clock import utcnow
from tickets.models import Status, Ticket
from tickets.numbering import damm_check_digit


def run(url: str, count: int, runs: int, workdir: Path) -> None:
    upgrade(url)
    settings = load_settings({"DATABASE_URL": url, "RECORDINGS_DIR": str(workdir / "rec"),
                              "QUEUE_DIR": str(workdir / "queue"), "SPEECH_ENGINE": "none",
                              "PUBLIC_LOOKUP_LIMIT": "1000000/minute"})
    app = create_app(settings, TESTING=True)
    runtime = app.extensions["hotline"]
    with runtime.session() as session:
        t0 = time.perf_counter()
        seed(session, count, random.Random(7))
        session.execute(update(Ticket).where(Ticket.status.in_((Status.ANSWERED,
                                                                 Status.CLOSED)))
                        .values(answer="Sudah ditindaklanjuti oleh dinas terkait.",
                                public_summary=Ticket.description, answer_published=True,
                                published_at=Ticket.updated_at, reporter_phone="+6281234567890"))
        session.commit()
        session.execute(text("ANALYZE"))  # the planner's statistics after publishing
        session.commit()
        published = session.scalar(select(func.count()).where(
            Ticket.answer_published.is_(True))) or 0
        recent = session.scalar(select(func.count()).where(
            Ticket.created_at >= utcnow() - timedelta(days=90))) or 0
        # The seed's numbers carry no check digit: give one published ticket a real number.
        ticket = session.scalars(select(Ticket).where(
            Ticket.answer_published.is_(True)).limit(1)).one()
        ticket.number = number = "1234567" + damm_check_digit("1234567")
        session.commit()
        print(f"seeded {count:,} tickets, {published:,} published, {recent:,} in the last "
              f"90 days, in {time.perf_counter() - t0:.1f} s")

    client = app.test_client()
    cases = [
        ("GET /", lambda: client.get("/")),
        ("GET /jawaban (page 1)", lambda: client.get("/jawaban")),
        ("GET /jawaban?halaman=1000 (deep page)", lambda: client.get("/jawaban?halaman=1000")),
        ("GET /jawaban?q=roboh", lambda: client.get("/jawaban?q=roboh")),
        ("GET /jawaban/NUMBER", lambda: client.get(f"/jawaban/{number}")),
        ("GET /jawaban.atom (50 entries)", lambda: client.get("/jawaban.atom")),
        ("POST /lacak (right digits)",
         lambda: client.post("/lacak", data={"nomor": number, "hp": "7890"})),
        ("POST /lacak (wrong digits)",
         lambda: client.post("/lacak", data={"nomor": number, "hp": "0000"})),
        ("GET open311 requests.json (90 days, <=1000)",
         lambda: client.get("/open311/v2/requests.json")),
        ("GET open311 requests.xml (90 days, <=1000)",
         lambda: client.get("/open311/v2/requests.xml")),
        ("GET open311 requests/NUMBER.xml",
         lambda: client.get(f"/open311/v2/requests/{number}.xml")),
    ]
    print(f"\n{'request':<46} {'median ms':>10}")
    for label, call in cases:
        ms, response = timed(call, runs)
        assert response.status_code == 200, (label, response.status_code)
        print(f"{label:<46} {ms:>10.1f}")
    runtime.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--pg-admin", default=PG_ADMIN)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if not args.postgres:
            print("backend: SQLite")
            run(f"sqlite:///{workdir / 'bench.db'}", args.tickets, args.runs, workdir)
            return
        name = f"suarawarga_publicbench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.pg_admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            base = args.pg_admin.rsplit("/", 1)[0].replace("postgresql://",
                                                             "postgresql+psycopg://", 1)
            print("backend: PostgreSQL")
            run(f"{base}/{name}", args.tickets, args.runs, workdir)
        finally:
            with psycopg.connect(args.pg_admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
