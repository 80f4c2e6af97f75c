"""Fault benchmark: the production topology on this machine, N calls under each fault.

    .venv/bin/python benchmarks/faults.py [--calls 10] [--speech-engine whisper|none]
        [--outage 60] [--seconds 20] [--faults kill,broker,db,hangup]

Starts what docker-compose.yml runs, on loopback only: gunicorn with gunicorn.conf.py
(3 workers x 1 thread), a Celery worker for the ``speech`` queue (concurrency 1,
prefetch 1), one for ``default`` (concurrency 2), Celery beat (``media.sweep`` every
30 s), a redis-server of its own on a free port (append-only file on, as in compose; a
server of its own so that it can be stopped without touching the machine's shared Redis)
and a fresh PostgreSQL database, dropped afterwards. HOTLINE_ENV stays development only
because production fetches recordings from an https TWILIO_API_BASE, and the recordings
here are served over plain http on loopback (TWILIO_API_BASE points at that server); the
rest is production's: PostgreSQL, Redis, gunicorn.conf.py, one process per role. One call
is placed first to warm up (the speech worker loads its model on its first task). Then, for
each fault in turn, --calls simulated calls (devtools/call_simulator.py, signed as Twilio signs,
the recordings served by one loopback devtools.recording_peer.RecordingPeer as Twilio's media URLs):

  kill    the speech worker's whole process group (the Celery main process and its pool
          child) is SIGKILLed while it transcribes a call of this batch, and started
          again --restart-after seconds later. The fault ends at the restart.
  broker  the benchmark's redis-server is stopped for --outage seconds; the calls are
          placed and confirmed during the outage, spread over its first two thirds. The
          fault ends when Redis answers again.
  db      every connection to the benchmark database is terminated (pg_terminate_backend
          on pg_stat_activity, all but the terminator's own) every --terminate-every
          seconds while all the calls are placed at once, and for --db-linger seconds
          after (the workers' downloads and transcriptions). The fault ends then.
  hangup  the callers hang up while recording: for half the calls Twilio posts the
          call-status "completed" first, then the <Record> action, then the
          recording-status callback; for the other half all three at once. Signed like
          Twilio. The fault ends with the last callback's answer.

For each fault: calls placed; numbers read back to callers (the ticket number, twice, in
the confirm answer; none in the hang-up case, where nobody listens); tickets filed;
transcripts stored (--speech-engine none: tickets awaiting verification with a stored
recording); "transkripsi gagal"; lost (placed calls without a finished ticket); HTTP
5xx in gunicorn's access log and requests the simulator could not complete; recovery,
from the end of the fault to the last transcript (its stored time in the database; 0
when the work had finished before the fault ended). Goal: 0 lost, 0 HTTP 500, recovery
under 3 minutes; a miss prints MISS and still exits 0 (non-zero only when the topology
could not be run).

Bounded: each fault waits at most --phase-timeout seconds after it ends and the whole run
stops after --max-minutes; every process it starts runs in a process group of its own
and is stopped (SIGTERM, then SIGKILL) whatever happens, the database is dropped. Logs
of every process are kept in benchmarks/out/faults-<time>/ (git-ignored).

Recordings are built from ../shared/data/asr-id-dev (human Indonesian speech, licensed
for evaluation only: read in place, never copied into the repository) when present, else
from espeak-ng; the output says which.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.pipeline import build_recordings  # noqa: E402

FAULTS = ("kill", "broker", "db", "hangup")
GOAL_RECOVERY_S = 180.0
TWILIO_WEBHOOK_TIMEOUT_S = 15.0  # Twilio gives up on a webhook after this long
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_DB = 14  # on the benchmark's own redis-server; no test uses it anyway
ACCESS_STATUS = re.compile(r'"[A-Z]+ [^"]*" (\d{3}) ')


class Stop(Exception):
    """The run was interrupted (a signal, or --max-minutes)."""


def utcnow() -> datetime:
    from tickets.clock import utcnow as now

    return now()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- processes -----------------------------------------------------------------------------

class Proc:
    """One service in a process group of its own, so a fault or the cleanup reaches all of
    it (the Celery main process and its pool children, gunicorn's master and workers)."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], logs: Path,
                 split_stdout: bool = False) -> None:
        self.name, self.cmd, self.env, self.logs = name, cmd, env, logs
        self.split_stdout = split_stdout
        self.popen: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def log_path(self) -> Path:
        return self.logs / f"{self.name}.log"

    @property
    def stdout_path(self) -> Path:
        return self.logs / f"{self.name}.out"

    def start(self) -> None:
        self.starts += 1
        err = open(self.log_path, "ab")
        out = open(self.stdout_path, "ab") if self.split_stdout else err
        self.popen = subprocess.Popen(self.cmd, cwd=REPO, env=self.env, stdout=out,
                                      stderr=err, stdin=subprocess.DEVNULL,
                                      start_new_session=True)
        err.close()
        if out is not err:
            out.close()

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal_group(self, sig: int) -> None:
        if self.popen is not None:
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, sig)

    def group_gone(self) -> bool:
        if self.popen is None:
            return True
        try:
            os.killpg(self.popen.pid, 0)
        except ProcessLookupError:
            return True
        return False

    def kill(self) -> None:
        """SIGKILL the whole group, at once, and reap the leader."""
        self.signal_group(signal.SIGKILL)
        if self.popen is not None:
            with suppress(subprocess.TimeoutExpired):
                self.popen.wait(10)

    def stop(self, timeout: float = 20) -> None:
        if self.popen is None:
            return
        self.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not (self.popen.poll() is not None
                                                   and self.group_gone()):
            time.sleep(0.2)
        if not self.group_gone():
            self.signal_group(signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            self.popen.wait(5)


# --- the figures ---------------------------------------------------------------------------

@dataclass
class Outcome:
    fault: str
    placed: int = 0
    numbers_heard: int | None = 0  # None: nobody listens (the caller hung up)
    wrong_numbers: int = 0
    filed: int = 0
    stored: int = 0
    failed: int = 0
    lost: int = 0
    http_5xx: int = 0
    cut_short: list[str] = field(default_factory=list)
    recovery_s: float | None = None
    first_s: float | None = None
    slowest_webhook_s: float = 0.0
    finished: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return (self.lost == 0 and self.http_5xx == 0 and not self.cut_short
                and self.slowest_webhook_s < TWILIO_WEBHOOK_TIMEOUT_S
                and self.finished and self.recovery_s is not None
                and self.recovery_s < GOAL_RECOVERY_S)


@dataclass
class TicketState:
    number: str
    status: str
    transcription: str
    recording_stored: bool
    recording_failed: bool
    done_at: datetime | None


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="sw-faults-"))
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.logs = REPO / "benchmarks" / "out" / f"faults-{stamp}"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.dbname = f"suarawarga_faults_{secrets.token_hex(5)}"
        self.redis_port = free_port()
        self.web_port = free_port()
        self.base = f"http://127.0.0.1:{self.web_port}"
        self.procs: dict[str, Proc] = {}
        self.peer: Any = None
        self.engine: Any = None
        self.db_created = False
        admin_base = PG_ADMIN.rsplit("/", 1)[0]
        self.db_url = f"{admin_base}/{self.dbname}".replace("postgresql://",
                                                          "postgresql+psycopg://", 1)
        self.db_plain_url = f"{admin_base}/{self.dbname}"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "HOTLINE_ENV": "development",
            "DATABASE_URL": self.db_url,
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/{REDIS_DB}",
            "SECRET_KEY": secrets.token_hex(32),
            "TWILIO_ACCOUNT_SID": "AC" + secrets.token_hex(16),
            "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
            "RECORDINGS_DIR": str(self.tmp / "recordings"),
            "QUEUE_DIR": str(self.tmp / "state"),
            "SPEECH_ENGINE": args.speech_engine,
            "IVR_CACHE_SECONDS": "5",
        }
        self.env.pop("PUBLIC_BASE_URL", None)
        self.call_counter = 0
        self.latencies: list[float] = []
        self.source = ""
        self.recordings: list[Path] = []

    # --- setup and cleanup -------------------------------------------------------------

    def setup(self) -> None:
        import psycopg
        import redis

        from devtools.recording_peer import RecordingPeer
        from hotline.demo import seed_demo
        from hotline.migrate import upgrade
        from hotline.runtime import build_runtime
        from hotline.settings import load_settings
        from tickets.db import make_engine

        args = self.args
        # Twilio's media URLs: recordings are fetched from TWILIO_API_BASE only.
        self.peer = RecordingPeer(self.env["TWILIO_ACCOUNT_SID"],
                                  self.env["TWILIO_AUTH_TOKEN"]).start()
        self.env["TWILIO_API_BASE"] = self.peer.base_url
        self.recordings, self.source = build_recordings(
            self.tmp / "audio", min(args.calls, 10), args.seconds)
        log(f"audio: {self.source}")
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.dbname}"')
        self.db_created = True
        upgrade(self.db_url)
        self.settings = load_settings(self.env)
        runtime = build_runtime(self.settings)
        with runtime.transaction() as session:
            seed_demo(session)
        runtime.engine.dispose()
        self.engine = make_engine(self.db_url)

        self.procs["redis"] = Proc("redis", self.redis_cmd(), self.env, self.logs)
        self.procs["redis"].start()
        self.wait_redis(20)
        redis.Redis(host="127.0.0.1", port=self.redis_port, db=REDIS_DB).flushdb()

        py = sys.executable
        celery = [py, "-m", "celery", "-A", "hotline.worker"]
        self.procs["speech"] = Proc("worker-speech", [
            *celery, "worker", "-Q", "speech", "--concurrency", "1",
            "--prefetch-multiplier", "1", "-n", "speech@faults", "--loglevel", "INFO"],
            self.env, self.logs)
        self.procs["default"] = Proc("worker-default", [
            *celery, "worker", "-Q", "default", "--concurrency", "2",
            "-n", "default@faults", "--loglevel", "INFO"], self.env, self.logs)
        self.procs["beat"] = Proc("beat", [*celery, "beat", "--loglevel", "INFO"],
                                  self.env, self.logs)
        self.procs["web"] = Proc("web", [
            py, "-m", "gunicorn", "-c", str(REPO / "gunicorn.conf.py"), "hotline.wsgi:app",
            "--bind", f"127.0.0.1:{self.web_port}", "--workers", str(args.web_workers)],
            self.env, self.logs, split_stdout=True)
        for name in ("speech", "default", "beat", "web"):
            self.procs[name].start()
        self.wait_http(f"{self.base}/healthz", 60)
        log(f"topology up: gunicorn {args.web_workers} workers on {self.base}, "
            f"redis-server :{self.redis_port}, PostgreSQL database {self.dbname}, "
            f"SPEECH_ENGINE={args.speech_engine}; logs in {self.logs}")

    def redis_cmd(self) -> list[str]:
        cmd = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port),
               "--dir", str(self.tmp), "--save", "", "--daemonize", "no",
               "--protected-mode", "yes"]
        # docker-compose runs Redis with an append-only file: a restart keeps the queues.
        cmd += ["--appendonly", "yes" if self.args.broker_aof else "no"]
        return cmd

    def wait_redis(self, timeout: float) -> None:
        import redis

        client = redis.Redis(host="127.0.0.1", port=self.redis_port, socket_timeout=1,
                             socket_connect_timeout=1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with suppress(redis.RedisError):
                if client.ping():
                    return
            time.sleep(0.1)
        raise SystemExit(f"redis-server on port {self.redis_port} did not come up")

    def wait_http(self, url: str, timeout: float) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with suppress(requests.RequestException):
                if requests.get(url, timeout=2).status_code == 200:
                    return
            time.sleep(0.3)
        raise SystemExit(f"the hotline at {url} did not come up (see {self.logs})")

    def cleanup(self) -> None:
        for name in ("web", "beat", "speech", "default", "redis"):
            proc = self.procs.get(name)
            if proc is not None:
                proc.stop()
        if self.peer is not None:
            with suppress(Exception):
                self.peer.stop()
        if self.engine is not None:
            self.engine.dispose()
        if self.db_created:
            import psycopg

            with suppress(Exception), psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
        # The audio is built from the evaluation-only dev set: never left behind.
        shutil.rmtree(self.tmp, ignore_errors=True)
        left = [p.name for p in self.procs.values() if not p.group_gone()]
        if left:
            log(f"WARNING: process groups still present after cleanup: {left}")

    # --- calls ---------------------------------------------------------------------------

    def simulator(self, keys: list[str], audio: Path | None) -> Any:
        from devtools.call_simulator import CallSimulator

        self.call_counter += 1
        sim = CallSimulator(
            self.base, self.settings.twilio_auth_token,
            account_sid=self.settings.twilio_account_sid, keys=keys,
            recordings=[audio] if audio else [],
            from_number=f"+62812{self.call_counter:07d}", peer=self.peer)
        # How long each webhook took to answer (Twilio gives up after 15 s).
        sim.http.hooks["response"].append(
            lambda r, *_a, **_k: self.latencies.append(r.elapsed.total_seconds()))
        return sim

    def audio(self, i: int) -> Path:
        return self.recordings[i % len(self.recordings)]

    def new_calls(self, n: int) -> list[Any]:
        """Complaint, category 1, not anonymous, record, submit."""
        return [self.simulator(["1", "1", "2", "1"], self.audio(i)) for i in range(n)]

    @staticmethod
    def place(sim: Any, out: Outcome) -> None:
        import requests

        from devtools.call_simulator import CallError

        try:
            result = sim.run(wait_for_download=0)
        except (CallError, requests.RequestException) as exc:
            # Twilio ends a call whose webhook failed ("an application error has occurred")
            # and still posts the call's end to the status callback: so does the caller here.
            out.cut_short.append(f"{sim.result.call_sid}: {exc}")
            params = {"CallSid": sim.result.call_sid, "AccountSid": sim.account_sid,
                      "From": sim.from_number, "To": sim.to_number, "Direction": "inbound",
                      "ApiVersion": "2010-04-01", "CallStatus": "completed"}
            try:
                sim.post("/ivr/call-status", params)
            except requests.RequestException as cb_exc:
                out.cut_short.append(f"{sim.result.call_sid}: call-status: {cb_exc}")
            return
        if result.ticket_number and result.digits_heard.count(result.ticket_number) == 2:
            assert out.numbers_heard is not None
            out.numbers_heard += 1

    # --- the database --------------------------------------------------------------------

    def _with_db(self, query: Callable[[Any], Any]) -> Any:
        """Run a read; the db fault terminates this connection too, so retry."""
        from sqlalchemy.exc import DBAPIError
        from sqlalchemy.orm import Session

        for attempt in range(20):
            try:
                with Session(self.engine) as session:
                    return query(session)
            except DBAPIError:
                if attempt == 19:
                    raise
                time.sleep(0.25)
        raise AssertionError("unreachable")

    def states(self, call_sids: list[str]) -> dict[str, TicketState]:
        from sqlalchemy import func, select

        from tickets.models import (
            Call,
            Recording,
            RecordingStatus,
            Ticket,
            TicketEvent,
            Transcript,
        )

        def query(session: Any) -> dict[str, TicketState]:
            rows = session.execute(
                select(Call.call_sid, Ticket.id, Ticket.number, Ticket.status,
                       Ticket.transcription_status, Transcript.created_at)
                .join(Ticket, Ticket.call_id == Call.id)
                .outerjoin(Transcript, Transcript.ticket_id == Ticket.id)
                .where(Call.call_sid.in_(call_sids))).all()
            ids = [r[1] for r in rows]
            recs: dict[int, set[RecordingStatus]] = {}
            for tid, status in session.execute(select(Recording.ticket_id, Recording.status)
                                               .where(Recording.ticket_id.in_(ids))):
                recs.setdefault(tid, set()).add(status)
            last = dict(session.execute(
                select(TicketEvent.ticket_id, func.max(TicketEvent.at))
                .where(TicketEvent.ticket_id.in_(ids)).group_by(TicketEvent.ticket_id)).all())
            out = {}
            for sid, tid, number, status, tstatus, transcript_at in rows:
                stored = RecordingStatus.STORED in recs.get(tid, set())
                out[sid] = TicketState(
                    number, status.value, tstatus.value, stored,
                    RecordingStatus.FAILED in recs.get(tid, set()) and not stored,
                    transcript_at or last.get(tid))
            return out

        return self._with_db(query)

    def finished(self, state: TicketState) -> bool:
        return state.transcription != "pending" or state.recording_failed

    def ok(self, state: TicketState) -> bool:
        if self.args.speech_engine == "none":
            return (state.status == "awaiting_verification" and state.recording_stored
                    and state.transcription == "manual")
        return state.transcription == "done"

    def wait_finished(self, call_sids: list[str], timeout: float) -> dict[str, TicketState]:
        """Until every filed ticket's work is finished (a call with no ticket will not get
        one later: all its callbacks have been answered), or ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            states = self.states(call_sids)
            if all(self.finished(s) for s in states.values()):
                return states
            if time.monotonic() >= deadline:
                return states
            time.sleep(0.5)

    # --- one fault -------------------------------------------------------------------------

    @contextmanager
    def measured(self, out: Outcome, call_sids: list[str]) -> Iterator[dict[str, Any]]:
        """Counts the access log's 5xx and the failed publishes over the phase, then waits
        for the phase's work and fills ``out``. The body sets ``ctx["fault_end"]``."""
        access = self.procs["web"].stdout_path
        web_log = self.procs["web"].log_path
        start_access = access.stat().st_size if access.exists() else 0
        start_web = web_log.stat().st_size if web_log.exists() else 0
        worker_logs = {n: self.procs[n].log_path for n in ("speech", "default", "beat")}
        start_workers = {n: p.stat().st_size if p.exists() else 0
                         for n, p in worker_logs.items()}
        ctx: dict[str, Any] = {}
        self.latencies = []
        yield ctx
        out.slowest_webhook_s = max(self.latencies, default=0.0)
        fault_end = ctx.get("fault_end") or utcnow()
        states = self.wait_finished(call_sids, self.args.phase_timeout)
        out.placed = len(call_sids)
        out.filed = len(states)
        out.stored = sum(1 for s in states.values() if self.ok(s))
        out.failed = sum(1 for s in states.values() if s.transcription == "failed")
        out.finished = bool(states) and all(self.finished(s) for s in states.values())
        out.lost = out.placed - out.stored - out.failed
        heard = ctx.get("heard", {})
        out.wrong_numbers = sum(1 for sid, number in heard.items()
                                if number and states.get(sid)
                                and states[sid].number != number)
        done = [s.done_at for s in states.values() if self.ok(s) and s.done_at]
        if out.finished and done:
            out.recovery_s = max(0.0, (max(done) - fault_end).total_seconds())
        after = [d for d in done if d >= fault_end]
        if after:
            out.first_s = (min(after) - fault_end).total_seconds()
        victim = next((s for s in states.values() if s.number == ctx.get("victim")), None)
        if victim is not None and victim.done_at is not None and victim.done_at >= fault_end:
            out.notes.append(f"the killed job's ticket {victim.number} was done "
                             f"{(victim.done_at - fault_end).total_seconds():.0f} s after the "
                             "restart")
        out.http_5xx = sum(1 for line in _read_from(access, start_access).splitlines()
                           if (m := ACCESS_STATUS.search(line)) and m[1].startswith("5"))
        web_text = _read_from(web_log, start_web)
        publish_failed = web_text.count("work after commit failed")
        if publish_failed:
            out.notes.append(f"{publish_failed} queue publishes failed in the web process "
                             "(logged; the sweep sends that work)")
        timeouts = web_text.count("WORKER TIMEOUT")
        if timeouts:
            out.notes.append(f"gunicorn: {timeouts} worker timeouts")
        for name, path in worker_logs.items():
            text = _read_from(path, start_workers[name])
            errors = [ln for ln in text.splitlines() if "ERROR/" in ln or "CRITICAL/" in ln]
            retries = sum(1 for ln in text.splitlines() if " retry: Retry in " in ln)
            if errors or retries:
                out.notes.append(f"{name} log: {len(errors)} ERROR lines, {retries} retries"
                                 + (f" (first: {errors[0].strip()[:160]})" if errors else ""))
        for name, proc in self.procs.items():
            if not proc.alive():
                out.notes.append(f"{name} is not running at the end of this fault")
        if not out.finished:
            pending = [s.number for s in states.values() if not self.finished(s)]
            out.notes.append(f"not finished within {self.args.phase_timeout:.0f} s: "
                             f"{len(pending)} tickets still pending {pending[:5]}")

    def warm_up(self) -> None:
        out = Outcome("warm-up")
        sim = self.new_calls(1)[0]
        self.place(sim, out)
        states = self.wait_finished([sim.result.call_sid], 240)
        state = states.get(sim.result.call_sid)
        if out.cut_short or state is None or not self.ok(state):
            raise SystemExit(f"the warm-up call did not go through: {out.cut_short} "
                             f"{state}; see {self.logs}")
        log(f"warm-up call: ticket {state.number}, transcript {state.transcription}")

    def fault_kill(self) -> Outcome:
        out = Outcome("speech worker SIGKILLed mid-transcription, restarted")
        sims = self.new_calls(self.args.calls)
        sids = [s.result.call_sid for s in sims]
        speech = self.procs["speech"]
        with self.measured(out, sids) as ctx, ThreadPoolExecutor(self.args.parallel) as pool:
            placing = [pool.submit(self.place, s, out) for s in sims]
            victim = self.wait_claimed(sids, 180)
            if victim is not None and self.args.speech_engine != "none":
                time.sleep(self.args.kill_after)
            pid = speech.popen.pid if speech.popen else None
            ctx["victim"] = victim
            speech.kill()
            killed_at = time.monotonic()
            if victim is None:
                out.notes.append("no transcription was seen in progress; killed anyway")
            else:
                after = self.states(sids)
                mid = next((s for s in after.values() if s.number == victim), None)
                still = mid is not None and mid.transcription == "pending"
                out.notes.append(f"SIGKILLed process group {pid} while it held ticket "
                                 f"{victim}'s transcription"
                                 + (" (still pending: killed mid-job)" if still
                                    else " (it had finished just before)"))
            for f in placing:
                f.result()
            time.sleep(max(0.0, self.args.restart_after - (time.monotonic() - killed_at)))
            speech.start()
            ctx["fault_end"] = utcnow()
            ctx["heard"] = {s.result.call_sid: s.result.ticket_number for s in sims}
            log(f"speech worker restarted {self.args.restart_after:g} s after the kill")
        return out

    def wait_claimed(self, call_sids: list[str], timeout: float) -> str | None:
        """The number of a ticket of this batch whose transcription a worker holds now
        (SPEECH_ENGINE=none: whose recording is stored, the transcription task is due)."""
        from sqlalchemy import select

        from tickets.models import Call, Recording, RecordingStatus, Ticket, TranscriptionStatus

        none = self.args.speech_engine == "none"

        def query(session: Any) -> str | None:
            stmt = (select(Ticket.number).join(Call, Ticket.call_id == Call.id)
                    .join(Recording, Recording.ticket_id == Ticket.id)
                    .where(Call.call_sid.in_(call_sids),
                           Recording.status == RecordingStatus.STORED))
            if not none:
                stmt = stmt.where(Recording.lease_owner.is_not(None),
                                  Recording.transcribe_attempts >= 1,
                                  Ticket.transcription_status == TranscriptionStatus.PENDING)
            return session.scalars(stmt.limit(1)).first()  # type: ignore[no-any-return]

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            number = self._with_db(query)
            if number:
                return number  # type: ignore[no-any-return]
            time.sleep(0.1)
        return None

    def fault_broker(self) -> Outcome:
        out = Outcome(f"broker (Redis) stopped for {self.args.outage:g} s")
        sims = self.new_calls(self.args.calls)
        sids = [s.result.call_sid for s in sims]
        redis_proc = self.procs["redis"]
        with self.measured(out, sids) as ctx:
            redis_proc.stop()
            stopped = time.monotonic()
            log(f"redis-server stopped; placing {len(sims)} calls during the outage")
            spread = self.args.outage * 2 / 3 / max(1, len(sims))

            def staggered(i: int) -> None:
                time.sleep(max(0.0, stopped + i * spread - time.monotonic()))
                self.place(sims[i], out)

            with ThreadPoolExecutor(self.args.parallel) as pool:
                list(pool.map(staggered, range(len(sims))))
            calls_done = time.monotonic() - stopped
            time.sleep(max(0.0, self.args.outage - (time.monotonic() - stopped)))
            redis_proc.start()
            self.wait_redis(30)
            ctx["fault_end"] = utcnow()
            ctx["heard"] = {s.result.call_sid: s.result.ticket_number for s in sims}
            out.notes.append(f"calls placed within {calls_done:.0f} s of the stop; Redis "
                             f"back after {time.monotonic() - stopped:.0f} s "
                             f"(append-only file {'on' if self.args.broker_aof else 'off'})")
            log("redis-server started again")
        return out

    def fault_db(self) -> Outcome:
        import psycopg

        out = Outcome(f"database connections terminated every {self.args.terminate_every:g} s")
        sims = self.new_calls(self.args.calls)
        sids = [s.result.call_sid for s in sims]
        stop = threading.Event()
        counts = {"rounds": 0, "terminated": 0}

        def terminator() -> None:
            conn = None
            while not stop.is_set():
                try:
                    if conn is None or conn.closed:
                        conn = psycopg.connect(self.db_plain_url, autocommit=True)
                    rows = conn.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()",
                        (self.dbname,)).fetchall()
                    counts["rounds"] += 1
                    counts["terminated"] += sum(1 for (ok,) in rows if ok)
                except psycopg.Error:
                    conn = None
                stop.wait(self.args.terminate_every)
            if conn is not None:
                conn.close()

        with self.measured(out, sids) as ctx:
            thread = threading.Thread(target=terminator, daemon=True)
            thread.start()
            started = time.monotonic()
            with ThreadPoolExecutor(len(sims)) as pool:  # the burst: all at once
                list(pool.map(lambda s: self.place(s, out), sims))
            burst = time.monotonic() - started
            time.sleep(self.args.db_linger)
            stop.set()
            thread.join(10)
            ctx["fault_end"] = utcnow()
            ctx["heard"] = {s.result.call_sid: s.result.ticket_number for s in sims}
            out.notes.append(f"{counts['terminated']} backends terminated in "
                             f"{counts['rounds']} rounds over {burst:.1f} s of calls "
                             f"+ {self.args.db_linger:g} s")
        return out

    def fault_hangup(self) -> Outcome:
        out = Outcome("callbacks in the hang-up order")
        out.numbers_heard = None
        sims = [self.simulator([], None) for _ in range(self.args.calls)]
        sids = [s.result.call_sid for s in sims]
        with self.measured(out, sids) as ctx:
            with ThreadPoolExecutor(self.args.parallel) as pool:
                list(pool.map(lambda i: self.hang_up(sims[i], self.audio(i), at_once=i % 2 == 1,
                                                     out=out), range(len(sims))))
            ctx["fault_end"] = utcnow()
        sequential = (len(sims) + 1) // 2
        out.notes.append(f"{sequential} calls: call-status completed, then /ivr/recorded, "
                         f"then /ivr/recording-status; {len(sims) - sequential}: all three "
                         "at once")
        return out

    def hang_up(self, sim: Any, audio: Path, *, at_once: bool, out: Outcome) -> None:
        """Menus to the <Record>, then the caller hangs up while recording."""
        import requests

        call_sid = sim.result.call_sid
        caller = {"CallSid": call_sid, "AccountSid": sim.account_sid, "From": sim.from_number,
                  "To": sim.to_number, "Direction": "inbound", "ApiVersion": "2010-04-01"}
        try:
            url, form = "/ivr/voice", {**caller, "CallStatus": "ringing"}
            record = None
            for digits in ("1", "1", "2", None):  # complaint, category 1, not anonymous
                doc = self._twiml(sim, url, form)
                record = doc.find("Record")
                if record is not None:
                    break
                gather, redirect = doc.find("Gather"), doc.find("Redirect")
                if digits is not None and gather is not None:
                    url = urljoin(url, gather.get("action") or url)
                    form = {**caller, "CallStatus": "in-progress", "Digits": digits}
                elif redirect is not None:
                    url = urljoin(url, (redirect.text or "").strip())
                    form = {**caller, "CallStatus": "in-progress"}
                else:
                    raise ValueError(f"{url}: no menu to follow")
            if record is None:
                doc = self._twiml(sim, url, form)
                record = doc.find("Record")
            if record is None:
                raise ValueError("the menus never reached <Record>")
            action = urljoin(url, record.get("action") or url)
            status_cb = urljoin(url, record.get("recordingStatusCallback") or "")
            rec_sid = "RE" + secrets.token_hex(16)
            rec_url = self.peer.add(rec_sid, audio)
            duration = str(max(1, round(_seconds(audio))))
            steps = [
                ("/ivr/call-status", {**caller, "CallStatus": "completed",
                                      "CallDuration": str(int(duration) + 20)}),
                (action, {**caller, "CallStatus": "completed", "RecordingUrl": rec_url,
                          "RecordingSid": rec_sid, "RecordingDuration": duration,
                          "Digits": "hangup"}),
                (status_cb, {"AccountSid": sim.account_sid, "CallSid": call_sid,
                             "RecordingSid": rec_sid, "RecordingUrl": rec_url,
                             "RecordingStatus": "completed", "RecordingDuration": duration,
                             "RecordingChannels": "1", "RecordingSource": "RecordVerb"}),
            ]
            if not at_once:
                for path, params in steps:
                    self._expect_2xx(sim, path, params)
                return
            barrier, errors = threading.Barrier(len(steps)), []

            def send(path: str, params: dict[str, str]) -> None:
                barrier.wait(10)
                try:
                    self._expect_2xx(sim, path, params)
                except (ValueError, requests.RequestException) as exc:
                    errors.append(exc)

            threads = [threading.Thread(target=send, args=step) for step in steps]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            if errors:
                raise errors[0]
        except (ValueError, ET.ParseError, requests.RequestException,
                threading.BrokenBarrierError) as exc:
            out.cut_short.append(f"{call_sid}: {exc}")

    @staticmethod
    def _twiml(sim: Any, path: str, form: dict[str, str]) -> ET.Element:
        response = sim.post(path, form)
        if response.status_code != 200:
            raise ValueError(f"{path} answered HTTP {response.status_code}")
        return ET.fromstring(response.content)

    @staticmethod
    def _expect_2xx(sim: Any, path: str, form: dict[str, str]) -> None:
        response = sim.post(path, form)
        if not 200 <= response.status_code < 300:
            raise ValueError(f"{path} answered HTTP {response.status_code}")


def _read_from(path: Path, offset: int) -> str:
    if not path.exists():
        return ""
    with open(path, "rb") as f:
        f.seek(offset)
        return f.read().decode("utf-8", "replace")


def _seconds(path: Path) -> float:
    import wave

    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


# --- the report ----------------------------------------------------------------------------

def table(outcomes: list[Outcome], engine: str) -> str:
    stored = "transcripts stored" if engine != "none" else "awaiting verification + recording"
    lines = [
        f"| fault | calls | cut short | numbers read back | tickets filed | {stored} "
        "| transkripsi gagal | lost | HTTP 5xx | slowest webhook "
        f"| after the fault: first, last {'transcript' if engine != 'none' else 'done'} "
        "| goal |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        heard = "- (hung up)" if o.numbers_heard is None else str(o.numbers_heard)
        if o.wrong_numbers:
            heard += f" ({o.wrong_numbers} wrong)"
        first = "-" if o.first_s is None else f"{o.first_s:.0f} s"
        if o.recovery_s is not None:
            recovery = f"{first}, {o.recovery_s:.0f} s"
        else:
            recovery = "not recovered" if not o.finished else "-"
        cut = len({c.split(":")[0] for c in o.cut_short})
        lines.append(f"| {o.fault} | {o.placed} | {cut} | {heard} | {o.filed} | {o.stored} | "
                     f"{o.failed} | {o.lost} | {o.http_5xx} | {o.slowest_webhook_s:.2f} s | "
                     f"{recovery} | {'met' if o.met else 'MISS'} |")
    return "\n".join(lines)


def rerun_command(args: argparse.Namespace) -> str:
    parts = [".venv/bin/python benchmarks/faults.py", f"--calls {args.calls}",
             f"--speech-engine {args.speech_engine}", f"--seconds {args.seconds:g}",
             f"--faults {','.join(args.faults)}"]
    if "broker" in args.faults:
        parts.append(f"--outage {args.outage:g}")
    if "db" in args.faults:
        parts.append(f"--terminate-every {args.terminate_every:g}")
    if not args.broker_aof:
        parts.append("--no-broker-aof")
    return " ".join(parts)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=10, help="calls per fault")
    parser.add_argument("--speech-engine", choices=("whisper", "none"), default="whisper",
                        help="none: no transcription, tickets go straight to the operators")
    parser.add_argument("--faults", default=",".join(FAULTS),
                        type=lambda s: [f for f in s.split(",") if f],
                        help=f"which, in this order (default {','.join(FAULTS)})")
    parser.add_argument("--seconds", type=float, default=20, help="length of each recording")
    parser.add_argument("--parallel", type=int, default=4, help="calls at a time")
    parser.add_argument("--outage", type=float, default=60, help="broker outage, seconds")
    parser.add_argument("--broker-aof", action=argparse.BooleanOptionalAction, default=True,
                        help="Redis append-only file, as docker-compose runs it")
    parser.add_argument("--kill-after", type=float, default=1.0,
                        help="seconds into the transcription before the SIGKILL")
    parser.add_argument("--restart-after", type=float, default=5.0,
                        help="seconds between the SIGKILL and the restart")
    parser.add_argument("--terminate-every", type=float, default=0.25,
                        help="seconds between two rounds of pg_terminate_backend")
    parser.add_argument("--db-linger", type=float, default=10.0,
                        help="seconds the terminations go on after the burst's calls")
    parser.add_argument("--web-workers", type=int, default=3, choices=(1, 2, 3))
    parser.add_argument("--phase-timeout", type=float, default=300,
                        help="seconds to wait for a fault's work after the fault ends")
    parser.add_argument("--max-minutes", type=float, default=45,
                        help="the whole run stops after this long")
    args = parser.parse_args(argv)
    unknown = [f for f in args.faults if f not in FAULTS]
    if unknown or not args.faults:
        parser.error(f"--faults takes some of {','.join(FAULTS)}; got {unknown}")
    if args.calls < 1:
        parser.error("--calls must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for tool in ("redis-server", "ffmpeg"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (make deps)")

    def interrupted(signum: int, _frame: object) -> None:
        raise Stop(f"stopped by signal {signal.Signals(signum).name}")

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM):
        signal.signal(sig, interrupted)
    signal.alarm(int(args.max_minutes * 60))

    bench = Bench(args)
    outcomes: list[Outcome] = []
    started = time.monotonic()
    status = 0
    try:
        bench.setup()
        bench.warm_up()
        for name in args.faults:
            log(f"fault: {name}")
            outcome = getattr(bench, f"fault_{name}")()
            outcomes.append(outcome)
            log(f"  {outcome.stored}/{outcome.placed} done, recovery "
                f"{outcome.recovery_s if outcome.recovery_s is not None else '-'} s")
    except Stop as exc:
        log(f"{exc}; cleaning up")
        status = 2
    except SystemExit as exc:
        log(f"cannot run: {exc}")
        status = 1
    finally:
        signal.alarm(0)
        bench.cleanup()

    if outcomes:
        print()
        print(f"audio: {bench.source}; SPEECH_ENGINE={args.speech_engine}; "
              f"{args.calls} calls per fault, {args.seconds:g} s recordings; "
              f"gunicorn {args.web_workers} workers, speech worker concurrency 1; "
              f"wall {time.monotonic() - started:.0f} s")
        print(table(outcomes, args.speech_engine))
        for o in outcomes:
            for note in o.notes:
                print(f"  {o.fault}: {note}")
            for err in o.cut_short[:5]:
                print(f"  {o.fault}: call cut short: {err}")
        print(f"goal: 0 lost, 0 HTTP 500, recovery under {GOAL_RECOVERY_S:.0f} s")
        print(f"logs: {bench.logs}")
        print(f"rerun: {rerun_command(args)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
