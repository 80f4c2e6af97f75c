"""Console queue benchmark: seeds 100,000 tickets and times the queue's queries and pages.

Rerun:
    PYTHONPATH=. python -m benchmarks.console                 # SQLite in a temp dir
    PYTHONPATH=. python -m benchmarks.console --postgres      # a scratch PostgreSQL DB
    PYTHONPATH=. python -m benchmarks.console --tickets 20000 --runs 5

PostgreSQL uses TEST_PG_ADMIN (default postgresql://postgres@127.0.0.1:5432/test) to
create and drop a scratch database. Figures are the median of --runs timings.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from accounts.models import User
from hotline.app import create_app
from hotline.demo import DEMO_PASSWORD, seed_demo
from hotline.migrate import upgrade
from hotline.settings import load_settings
from tickets.clock import utcnow
from tickets.models import Category, Channel, Status, Ticket, Transcript
from tickets.queue import Filters, list_tickets

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
STATUS_MIX = ([Status.AWAITING_VERIFICATION] * 15 + [Status.FORWARDED] * 20
              + [Status.IN_PROGRESS] * 10 + [Status.ANSWERED] * 15 + [Status.CLOSED] * 30
              + [Status.REJECTED] * 7 + [Status.POSTPONED] * 3)
# Callers: 20,000 numbers, so a caller has about five tickets among 100,000.
CALLERS = 20_000
FIRST_NAMES = ("Budi", "Siti", "Agus", "Dewi", "Rahmat", "Nur", "Joko", "Sri", "Andi", "Yuni")
LAST_NAMES = ("Santoso", "Aminah", "Wijaya", "Lestari", "Hidayat", "Saputra", "Rahayu",
              "Nugroho", "Kurniawan", "Pratiwi")
PHRASES = ("jalan rusak berlubang di depan sekolah", "lampu jalan mati sejak minggu lalu",
           "sampah menumpuk di pasar", "puskesmas tutup pada jam layanan",
           "antrean KTP elektronik sangat panjang", "saluran air tersumbat saat hujan",
           "guru honorer belum menerima gaji", "jembatan kayu hampir roboh")


def caller_phone(n: int) -> str:
    """The n-th caller's number, E.164 as stored (+62812 followed by 7 digits)."""
    return f"+62812{5_000_000 + n:07d}"


def seed(session: Session, count: int, rng: random.Random) -> None:
    seed_demo(session)
    categories = list(session.scalars(select(Category)))
    now = utcnow()
    batch: list[dict[str, Any]] = []
    for i in range(count):
        category = rng.choice(categories)
        created = now - timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
        words = " ".join(rng.sample(PHRASES, 2))
        batch.append({
            "number": f"{10_000_000 + i}", "status": rng.choice(STATUS_MIX),
            "channel": Channel.PHONE, "category_id": category.id,
            "pokja_id": category.pokja_id, "priority": 2, "anonim": False, "rahasia": False,
            "contact_opt_out": False, "description": f"Warga {i}: {words}.",
            "reporter_phone": caller_phone(rng.randrange(CALLERS)),
            "reporter_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {i % 997}",
            "transcription_status": "done", "answer_published": False,
            "created_at": created, "updated_at": created,
            "verify_due_at": created + timedelta(days=4),
            "followup_due_at": created + timedelta(days=9),
        })
        if len(batch) == 5000:
            session.execute(insert(Ticket), batch)
            batch.clear()
    if batch:
        session.execute(insert(Ticket), batch)
    session.commit()
    ids = list(session.scalars(select(Ticket.id)))
    transcripts = [{"ticket_id": tid, "text": f"halo saya mau lapor {rng.choice(PHRASES)}",
                    "words": [], "engine": "bench", "created_at": now} for tid in ids]
    for start in range(0, len(transcripts), 5000):
        session.execute(insert(Transcript), transcripts[start:start + 5000])
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE"))
        session.commit()
    else:
        session.execute(text("ANALYZE"))


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    fn()  # warm caches and the statement cache
    samples, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), result


def run(url: str, count: int, runs: int, workdir: Path) -> None:
    upgrade(url)
    settings = load_settings({"DATABASE_URL": url, "RECORDINGS_DIR": str(workdir / "rec"),
                              "QUEUE_DIR": str(workdir / "queue"), "SPEECH_ENGINE": "none"})
    app = create_app(settings, TESTING=True, WTF_CSRF_ENABLED=False)
    runtime = app.extensions["hotline"]
    with runtime.session() as session:
        t0 = time.perf_counter()
        seed(session, count, random.Random(7))
        print(f"seeded {count:,} tickets (+ transcripts) in {time.perf_counter() - t0:.1f} s")
        operator = session.scalars(select(User).where(User.username == "operator")).one()
        pokja_id = session.scalar(text("SELECT id FROM pokja WHERE code='PUPR'"))
        last = list_tickets(session, operator, Filters(), tz="Asia/Jakarta", limit=1)
        deep_cursor = None
        # A cursor far into the queue: keyset cost should not grow with depth.
        rows = session.execute(
            select(Ticket.created_at, Ticket.id)
            .where(Ticket.status == Status.AWAITING_VERIFICATION)
            .order_by(Ticket.created_at, Ticket.id).offset(int(count * 0.14)).limit(1)).first()
        if rows:
            deep_cursor = f"{rows[0].isoformat()}_{rows[1]}"
        assert last.tickets
        cases: list[tuple[str, Filters, str | None]] = [
            ("queue, first page (awaiting verification)", Filters(), None),
            ("queue, deep page (keyset cursor)", Filters(), deep_cursor),
            ("all statuses, one pokja", Filters(statuses=(), pokja_id=pokja_id), None),
            ("full-text 'lampu jalan mati'", Filters(statuses=(), text="lampu jalan mati"), None),
            ("full-text 'roboh', forwarded only",
             Filters(statuses=(Status.FORWARDED,), text="roboh"), None),
            ("full-text, no match (worst case) 'banjir'", Filters(statuses=(), text="banjir"),
             None),
        ]
        # The caller's number as the operator types it: three formats of one number.
        local = "0" + caller_phone(1234)[3:]
        cases += [
            (f"phone '{local}'", Filters(statuses=(), text=local), None),
            (f"phone '{caller_phone(1234)}'", Filters(statuses=(), text=caller_phone(1234)),
             None),
            (f"phone '{local[:4]}-{local[4:8]}-{local[8:]}'",
             Filters(statuses=(), text=f"{local[:4]}-{local[4:8]}-{local[8:]}"), None),
            ("phone, nobody's '0899-0000-0000'", Filters(statuses=(), text="0899-0000-0000"),
             None),
            ("reporter's name 'siti aminah 17'", Filters(statuses=(), text="siti aminah 17"),
             None),
        ]
        print(f"\n{'query (50 rows)':<46} {'median ms':>10}")
        phone_ms: list[float] = []
        for label, filters, after in cases:
            ms, page = timed(lambda f=filters, a=after: list_tickets(
                session, operator, f, tz="Asia/Jakarta", after=a), runs)
            print(f"{label:<46} {ms:>10.1f}   ({len(page.tickets)} rows)")
            if label.startswith("phone"):
                phone_ms.append(ms)
        print(f"slowest phone search: {max(phone_ms):.1f} ms (goal: under 50 ms)")

    client = app.test_client()
    client.post("/console/masuk", data={"username": "operator", "password": DEMO_PASSWORD})
    pages = [("GET /console/antrean", "/console/antrean"),
             ("GET /console/antrean?status=semua&q=roboh", "/console/antrean?status=semua&q=roboh"),
             ("GET /console/antrean?status=semua&q=banjir",
              "/console/antrean?status=semua&q=banjir"),
             ("GET /console/antrean?status=semua&q=<phone>",
              f"/console/antrean?status=semua&q=0{caller_phone(1234)[3:]}"),
             # The desk: sorted pages, "Tiket saya", the live queue's look (JSON).
             ("GET /console/antrean?urut=kategori&arah=turun",
              "/console/antrean?urut=kategori&arah=turun"),
             ("GET /console/antrean?urut=batas", "/console/antrean?urut=batas"),
             ("GET /console/antrean?penanganan=saya", "/console/antrean?penanganan=saya"),
             ("GET /console/antrean/perubahan (live look)", "/console/antrean/perubahan?sejak=1")]
    print(f"\n{'page (query + Jinja render)':<46} {'median ms':>10}")
    for label, path in pages:
        ms, response = timed(lambda p=path: client.get(p), runs)
        assert response.status_code == 200, response.status_code
        rows = len(re.findall(r'<a href="/console/tiket/', response.get_data(as_text=True)))
        print(f"{label:<46} {ms:>10.1f}   ({rows} rows)")
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
        name = f"suarawarga_consolebench_{uuid.uuid4().hex[:8]}"
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
