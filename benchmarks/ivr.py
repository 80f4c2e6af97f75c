"""Loopback load benchmark of the IVR webhooks under gunicorn, with valid Twilio signatures.

    PYTHONPATH=$PWD python -m benchmarks.ivr                  # SQLite, 16 and 64 connections, 10 s
    PYTHONPATH=$PWD python -m benchmarks.ivr --db all         # + PostgreSQL (needs a local server)
    PYTHONPATH=$PWD python -m benchmarks.ivr --duration 30 --connections 64

What it does, start to finish, cleaning up whatever happens:
1. makes a temp dir, a database (SQLite file there, or a fresh PostgreSQL database it
   drops afterwards), runs ``python -m hotline db upgrade`` and ``seed-demo``;
2. starts the floor (``benchmarks/floor_app.py``: bare Flask, fixed TwiML) and the
   hotline, both with ``gunicorn -c gunicorn.conf.py`` (the settings file
   docker-compose's ``web`` uses) on free loopback ports, side by side;
3. drives each case and the floor with wrk in alternating slices (floor, case, case,
   floor, ...: ``--slices`` each, ``--duration`` seconds in all per side), so both see
   the same load from the rest of the machine and the ratio is taken within one run;
4. at 64 connections, offers the case a fixed rate (``--paced-share`` of the floor's
   rate just measured; Poisson arrivals from an open-loop asyncio client) for its p99.

Cases
  voice-retry     POST /ivr/voice, one fixed CallSid: Twilio retrying the first webhook
                  (get-or-create finds the call: one SELECT plus the settings query).
  voice-new       POST /ivr/voice, a new CallSid on every request: a new call each time
                  (SELECT, INSERT, COMMIT).
  menu-status     POST /ivr/menu/main/choose?attempt=0 Digits=2: renders the ticket-number
                  <Gather> (settings query only).
  menu-category   POST /ivr/menu/main/choose?attempt=0 Digits=1: renders the category menu
                  (queries the categories).
  floor           POST /ivr/voice on the floor app.

Signatures. wrk's Lua has no HMAC-SHA1, so this script signs in Python beforehand
(twilio's RequestValidator, over PUBLIC_BASE_URL + path and the form, as Twilio does)
and hands wrk a pool file of "signature<TAB>body" lines: one line for the fixed cases,
and for voice-new one line per request it can send (``--pool-rate`` x duration, fresh
CallSids for every run). wrk pre-builds the requests and rotates through them; if a run
outpaces the pool, requests repeat and the table says so. A Python load generator
(asyncio/aiohttp) could sign each request itself, but on a 2-core machine it would burn
the CPU the server needs and cap the rate it can measure; wrk costs far less per request.

wrk is closed-loop (each connection waits for its answer): at 64 connections it keeps
the server saturated, and its latency is queueing (mean = connections / throughput,
Little's law). It is printed, but the p99 target is judged on the paced run, at an
offered rate a hotline actually sees.

Exits non-zero on errors only (a server that does not start, a non-2xx answer, socket
errors); a missed target prints MISS and still exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import random
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psutil
from twilio.request_validator import RequestValidator

REPO = Path(__file__).resolve().parent.parent
GUNICORN_CONF = REPO / "gunicorn.conf.py"
HOST = "127.0.0.1"  # loopback only, always
PUBLIC_BASE_URL = "https://hotline.example.invalid"  # as behind production's TLS proxy
# Not the development SID: production (which this measures) refuses the published one.
ACCOUNT_SID = "AC" + "5" * 32
P99_TARGET_MS = 25.0
P99_TARGET_CONNECTIONS = 64
FLOOR_SHARE_TARGET = 0.65

LUA = r"""
-- Rotates through pre-signed requests; one pool file line = "signature\tbody".
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path, target, nthreads = args[1], args[2], tonumber(args[3])
  pool = {}
  local i = 0
  for line in io.lines(path) do
    if i % nthreads == tid then
      local sig, body = line:match("^([^\t]*)\t(.*)$")
      pool[#pool + 1] = wrk.format("POST", target, {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["X-Twilio-Signature"] = sig,
      }, body)
    end
    i = i + 1
  end
  idx = 0
  wraps = 0
end

function request()
  idx = idx + 1
  if idx > #pool then
    idx = 1
    wraps = wraps + 1
  end
  return pool[idx]
end

function done(summary, latency, requests)
  local w = 0
  for _, t in ipairs(threads) do
    w = w + (t:get("wraps") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"mean_us":%.1f,"wraps":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean, w))
end
"""

class BenchError(Exception):
    pass


@dataclass(frozen=True)
class Case:
    name: str
    path: str  # path + query, as requested and as signed
    form: dict[str, str]
    unique_call: bool = False
    floor: bool = False
    expect: str = "<Response>"  # a substring the answer must contain


def _call_form(call_sid: str, **extra: str) -> dict[str, str]:
    return {
        "CallSid": call_sid,
        "AccountSid": ACCOUNT_SID,
        "From": "+6281234567890",
        "To": "+62215550100",
        "Direction": "inbound",
        "CallStatus": "in-progress",
        "ApiVersion": "2010-04-01",
        **extra,
    }


FIXED_SID = "CA" + "b" * 32
CASES = {
    c.name: c
    for c in (
        Case("voice-retry", "/ivr/voice", _call_form(FIXED_SID), expect="<Gather"),
        Case("voice-new", "/ivr/voice", _call_form(FIXED_SID), unique_call=True,
             expect="<Gather"),
        Case("menu-status", "/ivr/menu/main/choose?attempt=0",
             _call_form(FIXED_SID, Digits="2"), expect='finishOnKey="#"'),
        Case("menu-category", "/ivr/menu/main/choose?attempt=0",
             _call_form(FIXED_SID, Digits="1"), expect="/ivr/menu/category/choose"),
        Case("floor", "/ivr/voice", _call_form(FIXED_SID), floor=True, expect="<Gather"),
    )
}


@dataclass
class Tally:
    """What wrk slices against one server added up to (one side of an interleaved pair).
    p50/p90 are the request-weighted mean of the slices' values, p99 and max the worst
    slice's: wrk reports percentiles, not its histogram, so slices cannot be merged."""

    requests: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    p50_sum: float = 0.0
    p90_sum: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    wraps: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def add(self, raw: dict[str, float], cpu_seconds: float) -> None:
        n = int(raw["requests"])
        self.requests += n
        self.seconds += raw["duration_us"] / 1e6
        self.cpu_seconds += cpu_seconds
        self.p50_sum += n * raw["p50_us"] / 1e3
        self.p90_sum += n * raw["p90_us"] / 1e3
        self.p99_ms = max(self.p99_ms, raw["p99_us"] / 1e3)
        self.max_ms = max(self.max_ms, raw["max_us"] / 1e3)
        self.wraps += int(raw["wraps"])
        for k in ("connect", "read", "write", "status", "timeout"):
            if raw[k]:
                self.errors[k] = self.errors.get(k, 0) + int(raw[k])

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p50_ms(self) -> float:
        return self.p50_sum / self.requests if self.requests else 0.0

    @property
    def p90_ms(self) -> float:
        return self.p90_sum / self.requests if self.requests else 0.0

    @property
    def cpu_ms(self) -> float:
        """Server CPU (all gunicorn processes) per request."""
        return self.cpu_seconds * 1e3 / max(1, self.requests)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


@dataclass
class Result:
    """One case at one connection count, measured in slices interleaved with the floor's
    (``hotline``, ``floor``), and at 64 connections also paced (``paced``)."""

    db: str
    case: str
    connections: int
    hotline: Tally
    floor: Tally
    pool_size: int
    paced: Tally | None = None
    paced_target_rps: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.hotline.rps / self.floor.rps if self.floor.rps else 0.0

    @property
    def error_count(self) -> int:
        return self.hotline.error_count + self.floor.error_count + (
            self.paced.error_count if self.paced else 0)

    @property
    def errors(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for tally in (self.hotline, self.floor, self.paced):
            for k, v in (tally.errors if tally else {}).items():
                out[k] = out.get(k, 0) + v
        return out


def interleaved_order(slices: int) -> list[str]:
    """floor, hotline, hotline, floor, floor, hotline, ...: each side runs ``slices``
    times, and a load that rises or falls steadily over the pair weighs on both alike."""
    pairs = [("floor", "hotline") if i % 2 == 0 else ("hotline", "floor")
             for i in range(slices)]
    return [side for pair in pairs for side in pair]


# --- processes ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Server:
    """A gunicorn started with the shared settings file, in its own process group."""

    def __init__(self, app: str, env: dict[str, str], log_dir: Path, name: str,
                 extra_args: list[str] | None = None) -> None:
        self.app, self.env, self.name = app, env, name
        self.extra_args = extra_args or []
        self.port = free_port()
        self.log_path = log_dir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), self.app,
                "--bind", f"{HOST}:{self.port}", *self.extra_args]

    def start(self, timeout: float = 120.0) -> None:
        log = open(self.log_path, "wb")  # noqa: SIM115 (closed with the process)
        self.proc = subprocess.Popen(self.command(), cwd=REPO, env=self.env, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"{self.name} exited with {self.proc.returncode}:\n"
                                 + self.log_tail())
            with suppress(OSError):
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            time.sleep(0.2)
        raise BenchError(f"{self.name} not ready after {timeout:.0f} s:\n" + self.log_tail())

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(25)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)

    def cpu_seconds(self) -> float:
        """User + system CPU of the arbiter and its workers so far."""
        if self.proc is None:
            return 0.0
        procs = [psutil.Process(self.proc.pid)]
        procs += procs[0].children(recursive=True)
        total = 0.0
        for p in procs:
            with suppress(psutil.Error):
                t = p.cpu_times()
                total += t.user + t.system
        return total

    def log_tail(self, lines: int = 30) -> str:
        with suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


@contextmanager
def running(server: Server) -> Iterator[Server]:
    try:
        server.start()
        yield server
    finally:
        server.stop()


def hotline_cli(env: dict[str, str], *args: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "hotline", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise BenchError(f"hotline {' '.join(args)} failed:\n{proc.stdout}{proc.stderr}")


@contextmanager
def database(kind: str, tmp: Path, pg_admin: str) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'bench.db'}"
        return
    import psycopg

    name = f"suarawarga_bench_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(pg_admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        raise BenchError(f"PostgreSQL at {pg_admin}: {exc}") from exc
    base = pg_admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(pg_admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def hotline_env(tmp: Path, database_url: str, auth_token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "TWILIO_API_BASE")}
    env.update(
        PYTHONPATH=str(REPO),
        HOTLINE_ENV="production",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_hex(32),
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=auth_token,
        PUBLIC_BASE_URL=PUBLIC_BASE_URL,
        # Production refuses rate limits counted in memory. No webhook measured here is
        # rate-limited, so nothing is counted there; the queue stays embedded (no REDIS_URL).
        RATELIMIT_STORAGE_URL=os.environ.get("BENCH_RATELIMIT_STORAGE", "redis://127.0.0.1:6379/0"),
        SPEECH_ENGINE="none",
        RECORDINGS_DIR=str(tmp / "recordings"),
        QUEUE_DIR=str(tmp / "queue"),
    )
    return env


# --- load --------------------------------------------------------------------------------

def write_pool(path: Path, case: Case, auth_token: str, size: int) -> int:
    validator = RequestValidator(auth_token)
    url = PUBLIC_BASE_URL + case.path
    with open(path, "w") as fh:
        for _ in range(size if case.unique_call else 1):
            form = dict(case.form)
            if case.unique_call:
                form["CallSid"] = "CA" + secrets.token_hex(16)
            fh.write(f"{validator.compute_signature(url, form)}\t{urlencode(form)}\n")
    return size if case.unique_call else 1


def check_answer(base: str, case: Case, auth_token: str) -> None:
    """One signed request before the load: a 403 here means the signing is wrong."""
    form = dict(case.form)
    if case.unique_call:
        form["CallSid"] = "CA" + secrets.token_hex(16)
    sig = RequestValidator(auth_token).compute_signature(PUBLIC_BASE_URL + case.path, form)
    req = urllib.request.Request(base + case.path, data=urlencode(form).encode(),
                                 headers={"X-Twilio-Signature": sig}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read().decode()
    except urllib.error.HTTPError as exc:
        raise BenchError(f"{case.name}: {case.path} answered {exc.code}") from exc
    if case.expect not in body:
        raise BenchError(f"{case.name}: answer lacks {case.expect!r}:\n{body[:500]}")


def run_wrk(base: str, case: Case, pool: Path, lua: Path, connections: int, seconds: float,
            threads: int) -> dict[str, float]:
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s",
           "--timeout", "10s", "-s", str(lua), base + case.path.split("?")[0],
           "--", str(pool), case.path, str(threads)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if proc.returncode != 0 or line is None:
        raise BenchError(f"wrk failed ({proc.returncode}): {shlex.join(cmd)}\n"
                         f"{proc.stdout}{proc.stderr}")
    return json.loads(line[len("WRKJSON "):])  # type: ignore[no-any-return]


def measure(db: str, hotline: Server, floor: Server, case: Case, connections: int,
            args: argparse.Namespace, tmp: Path, auth_token: str) -> Result:
    """The case and the floor in alternating slices of ``duration / slices`` seconds,
    so both see the same load from the rest of the machine; at the p99 target's
    connection count, then the case paced at ``paced_share`` of the floor's rate."""
    lua = tmp / "rotate.lua"
    pool = tmp / f"pool-{case.name}-{connections}.tsv"
    size = write_pool(pool, case, auth_token,
                      max(1000, int(args.pool_rate * (args.duration + args.warmup))))
    floor_case = CASES["floor"]
    floor_pool = tmp / "pool-floor.tsv"
    write_pool(floor_pool, floor_case, auth_token, 1)
    check_answer(hotline.base, case, auth_token)
    check_answer(floor.base, floor_case, auth_token)
    sides = {"hotline": (hotline, case, pool), "floor": (floor, floor_case, floor_pool)}
    if args.warmup > 0:
        for srv, c, pl in sides.values():
            run_wrk(srv.base, c, pl, lua, connections, max(1, round(args.warmup)),
                    args.wrk_threads)
    tallies = {"hotline": Tally(), "floor": Tally()}
    # wrk takes whole seconds.
    slice_s = max(1, round(args.duration / args.slices))
    for side in interleaved_order(args.slices):
        srv, c, pl = sides[side]
        cpu_before = srv.cpu_seconds()
        raw = run_wrk(srv.base, c, pl, lua, connections, slice_s, args.wrk_threads)
        tallies[side].add(raw, srv.cpu_seconds() - cpu_before)
    result = Result(db, case.name, connections, tallies["hotline"], tallies["floor"], size)
    if connections == P99_TARGET_CONNECTIONS and args.paced_share > 0:
        result.paced_target_rps = args.paced_share * result.floor.rps
        paced = Tally()
        cpu_before = hotline.cpu_seconds()
        raw = run_paced(hotline, case, pool, connections, result.paced_target_rps,
                        args.paced_duration or args.duration)
        paced.add(raw, hotline.cpu_seconds() - cpu_before)
        result.paced = paced
        if paced.rps < 0.9 * result.paced_target_rps:
            result.notes.append(
                f"paced run served {paced.rps:.0f} of {result.paced_target_rps:.0f} req/s "
                "offered: the server (or the client, about 1 ms of CPU per request) fell "
                "behind, so its p99 is queueing too; try a lower --paced-share")
    if case.unique_call and (result.hotline.wraps or (result.paced and result.paced.wraps)):
        result.notes.append(f"pool of {size} CallSids reused: raise --pool-rate")
    return result


def run_paced(server: Server, case: Case, pool: Path, connections: int, rate: float,
              seconds: float) -> dict[str, float]:
    """Requests at a fixed offered ``rate`` over ``connections`` connections (reopened
    when the server closes them, as gunicorn's sync worker does after every answer),
    open loop: arrivals are a Poisson process whatever the answers do, and each latency
    counts from the arrival's scheduled time, so a request that waits for a free
    connection is late by that much (no coordinated omission). wrk's ``delay()`` cannot
    do this: it paces each connection after its answer, and with random delays it
    reported latencies that grew with the delay (seen against the floor app).
    At a few hundred requests a second this costs the client little CPU."""
    lines = [line.split("\t", 1) for line in pool.read_text().splitlines()]
    host = f"{HOST}:{server.port}"
    wire = [(f"POST {case.path} HTTP/1.1\r\nHost: {host}\r\n"
             "Content-Type: application/x-www-form-urlencoded\r\n"
             f"X-Twilio-Signature: {sig}\r\nContent-Length: {len(body.encode())}\r\n\r\n"
             f"{body}").encode() for sig, body in lines]
    return asyncio.run(_paced(HOST, server.port, wire, connections, rate, seconds))


async def _paced(host: str, port: int, wire: list[bytes], connections: int, rate: float,
                 seconds: float) -> dict[str, float]:
    loop = asyncio.get_running_loop()
    idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        idle.put_nowait(await asyncio.open_connection(host, port))
    latencies: list[float] = []
    errors = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}

    async def send(request: bytes, scheduled: float) -> None:
        reader, writer = await idle.get()
        try:
            writer.write(request)
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await reader.readexactly(length)
            latencies.append(loop.time() - scheduled)
            if not head[9:10] == b"2":
                errors["status"] += 1
            if b"\r\nconnection: close" in head.lower():
                # gunicorn's sync worker (threads = 1) answers every request so.
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, StopIteration, ValueError):
            errors["read"] += 1
            writer.close()
            try:
                reader, writer = await asyncio.open_connection(host, port)
            except OSError:
                errors["connect"] += 1
                return
        idle.put_nowait((reader, writer))

    rng = random.Random(0)
    start = loop.time()
    at, sent, tasks = start, 0, []
    while True:
        at += rng.expovariate(rate)
        if at - start > seconds:
            break
        await asyncio.sleep(max(0.0, at - loop.time()))
        tasks.append(asyncio.create_task(send(wire[sent % len(wire)], at)))
        sent += 1
    await asyncio.gather(*tasks)
    elapsed = loop.time() - start
    while not idle.empty():
        idle.get_nowait()[1].close()
    ordered = sorted(latencies) or [0.0]

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1e6

    return {"requests": len(latencies), "duration_us": elapsed * 1e6, **errors,
            "p50_us": pct(50), "p90_us": pct(90), "p99_us": pct(99), "max_us": ordered[-1] * 1e6,
            "mean_us": sum(ordered) / len(ordered) * 1e6, "wraps": max(0, sent - len(wire))}


# --- report ------------------------------------------------------------------------------

def verdicts(results: list[Result]) -> list[tuple[str, bool]]:
    """The two targets, per case: its share of the floor measured in the same slices,
    and p99 at 64 connections at a fixed offered rate (``paced``). The closed-loop p99
    at 64 connections is queueing at saturation (Little's law) and is not judged."""
    out = []
    for r in results:
        out.append((f"{r.db} {r.case} @{r.connections}: {r.share:.0%} of the floor in the "
                    f"same slices ({r.hotline.rps:.0f}/{r.floor.rps:.0f} req/s) "
                    f">= {FLOOR_SHARE_TARGET:.0%}", r.share >= FLOOR_SHARE_TARGET))
        if r.paced is not None:
            out.append((f"{r.db} {r.case} @{r.connections}: paced p99 {r.paced.p99_ms:.1f} ms "
                        f"< {P99_TARGET_MS:.0f} ms at a fixed offered "
                        f"{r.paced.rps:.0f} req/s (target {r.paced_target_rps:.0f} = "
                        f"floor x {r.paced_target_rps / r.floor.rps:.2f})",
                        r.paced.p99_ms < P99_TARGET_MS))
    return out


def table(results: list[Result]) -> str:
    head = ("| db | case | conns | req/s | floor req/s | share | p50 ms | p90 ms | p99 ms "
            "| max ms | server CPU ms/req | floor CPU ms/req | errors |\n"
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = [
        f"| {r.db} | {r.case} | {r.connections} | {r.hotline.rps:.0f} | {r.floor.rps:.0f} | "
        f"{r.share:.0%} | {r.hotline.p50_ms:.1f} | {r.hotline.p90_ms:.1f} | "
        f"{r.hotline.p99_ms:.1f} | {r.hotline.max_ms:.1f} | {r.hotline.cpu_ms:.2f} | "
        f"{r.floor.cpu_ms:.2f} | {r.error_count or 0}"
        f"{' ' + json.dumps(r.errors) if r.error_count else ''} |"
        for r in results
    ]
    return "\n".join([head, *rows])


def paced_table(results: list[Result]) -> str:
    head = ("| db | case | conns | offered (target) req/s | served req/s | p50 ms | p90 ms "
            "| p99 ms | max ms | server CPU ms/req | errors |\n"
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = [
        f"| {r.db} | {r.case} | {r.connections} | {r.paced_target_rps:.0f} | "
        f"{r.paced.rps:.0f} | {r.paced.p50_ms:.1f} | {r.paced.p90_ms:.1f} | "
        f"{r.paced.p99_ms:.1f} | {r.paced.max_ms:.1f} | {r.paced.cpu_ms:.2f} | "
        f"{r.paced.error_count} |"
        for r in results if r.paced is not None
    ]
    return "\n".join([head, *rows])


def rerun_command(argv: list[str]) -> str:
    return f"cd {REPO} && PYTHONPATH=$PWD {sys.executable} -m benchmarks.ivr {shlex.join(argv)}"


# --- main --------------------------------------------------------------------------------

def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.ivr",
                                description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=float, default=10.0,
                   help="measured seconds per case, and as many for its floor (10)")
    p.add_argument("--slices", type=int, default=5,
                   help="alternating floor/case slices each side is cut into, of whole "
                        "seconds (5: 2 s each)")
    p.add_argument("--warmup", type=float, default=2.0,
                   help="unmeasured seconds before each case and its floor (2; 0 = none)")
    p.add_argument("--paced-share", type=float, default=0.1,
                   help="offered rate of the paced p99 run at 64 connections, as a share of "
                        "the floor's rate measured with the case (0.1, about 300 req/s here: "
                        "a hundred times a province's peak; 0 = no paced run)")
    p.add_argument("--paced-duration", type=float, default=0.0,
                   help="seconds of the paced run (default: --duration)")
    p.add_argument("--connections", type=int, nargs="+", default=[16, 64],
                   help="connection counts (16 64)")
    product = [name for name, c in CASES.items() if not c.floor]
    p.add_argument("--cases", nargs="+", choices=product, default=product,
                   help="cases to run (all); each is measured against the floor")
    p.add_argument("--db", choices=("sqlite", "postgresql", "all"), default="sqlite",
                   help="database backend(s) (sqlite)")
    p.add_argument("--pg-admin", default=os.environ.get(
        "BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL URL to create and drop the benchmark database with")
    p.add_argument("--wrk-threads", type=int, default=1,
                   help="wrk threads (1: the load generator shares the 2 cores)")
    p.add_argument("--pool-rate", type=float, default=4000.0,
                   help="req/s the unique-CallSid pool is sized for (4000)")
    p.add_argument("--server-args", default="",
                   help="extra gunicorn options for both servers, e.g. '--workers 3 --threads 2' "
                        "(tuning experiments only: docker-compose runs gunicorn.conf.py as is)")
    p.add_argument("--json", type=Path, help="also write the results here as JSON")
    p.add_argument("--keep", action="store_true", help="keep the temp dir (logs, database)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("error: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2

    # SIGTERM/SIGHUP unwind like Ctrl-C, so every `finally` stops its server.
    def _interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)

    tmp = Path(tempfile.mkdtemp(prefix="suarawarga-bench-"))
    (tmp / "rotate.lua").write_text(LUA)
    auth_token = secrets.token_hex(16)
    backends = ["sqlite", "postgresql"] if args.db == "all" else [args.db]
    cases = [CASES[name] for name in args.cases]
    results: list[Result] = []
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    load_before = os.getloadavg()
    try:
        floor_env = {**os.environ, "PYTHONPATH": str(REPO)}
        with running(Server("benchmarks.floor_app:app", floor_env, tmp, "floor",
                            shlex.split(args.server_args))) as floor:
            for db in backends:
                with database(db, tmp, args.pg_admin) as url:
                    env = hotline_env(tmp / db, url, auth_token)
                    hotline_cli(env, "db", "upgrade")
                    # The demo categories, seeded as development: production refuses
                    # seed-demo (its users' password is published); the server below runs
                    # as production. The database is thrown away afterwards.
                    hotline_cli({**env, "HOTLINE_ENV": "development"}, "seed-demo")
                    with running(Server("hotline.wsgi:app", env, tmp, f"hotline-{db}",
                                        shlex.split(args.server_args))) as srv:
                        for case in cases:
                            for n in args.connections:
                                print(f"[{db}] {case.name} @{n} with the floor ...",
                                      file=sys.stderr, flush=True)
                                results.append(measure(db, srv, floor, case, n, args, tmp,
                                                       auth_token))
    except KeyboardInterrupt:
        print("interrupted; servers stopped", file=sys.stderr)
        return 130
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    load_after = os.getloadavg()
    server = GUNICORN_CONF.name + (f" + {args.server_args}" if args.server_args else "")
    print(f"\nIVR webhooks under gunicorn ({server}), {started}, "
          f"{os.cpu_count()} cores, load avg before/after "
          f"{load_before[0]:.2f}/{load_after[0]:.2f}; {args.duration:g} s per case and "
          f"as many for its floor in {args.slices} alternating slices each, "
          f"wrk -t{args.wrk_threads} on the same machine\n")
    print("Closed loop (each connection sends its next request when the answer arrives):\n")
    print(table(results))
    if any(r.paced for r in results):
        print(f"\nPaced at {args.paced_share:g} x the floor's rate "
              f"(Poisson arrivals, open loop, latency from the scheduled time):\n")
        print(paced_table(results))
    for r in results:
        for note in r.notes:
            print(f"note: {r.db} {r.case} @{r.connections}: {note}")
    print(f"\ntargets (share: case vs floor in the same slices; p99: the paced run at "
          f"{P99_TARGET_CONNECTIONS} connections; the closed-loop p99 at saturation is "
          f"mean = connections / throughput, shown above, not judged):")
    for text, ok in verdicts(results):
        print(f"  {'PASS' if ok else 'MISS'}  {text}")
    print(f"\nrerun: {rerun_command(argv)}")
    if args.json:
        args.json.write_text(json.dumps([{
            **dataclasses.asdict(r), "share": r.share, "rps": r.hotline.rps,
            "floor_rps": r.floor.rps, "paced_rps": r.paced.rps if r.paced else None,
        } for r in results], indent=2))
    failed = [r for r in results if r.error_count]
    if failed:
        print("\nerror: requests failed in " + ", ".join(
            f"{r.db} {r.case} @{r.connections} {r.errors}" for r in failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
