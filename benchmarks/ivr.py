"""Loopback load benchmark of the IVR webhooks under gunicorn, with valid Twilio signatures.

    PYTHONPATH=$PWD python -m benchmarks.ivr                  # SQLite, 16 and 64 connections, 10 s
    PYTHONPATH=$PWD python -m benchmarks.ivr --db all         # + PostgreSQL (needs a local server)
    PYTHONPATH=$PWD python -m benchmarks.ivr --duration 30 --connections 64

What it does, start to finish, cleaning up whatever happens:
1. makes a temp dir, a database (SQLite file there, or a fresh PostgreSQL database it
   drops afterwards), runs ``python -m hotline db upgrade`` and ``seed-demo``;
2. starts the hotline with ``gunicorn -c gunicorn.conf.py hotline.wsgi:app`` (the same
   settings file docker-compose's ``web`` uses) on a free loopback port, and the floor
   (``benchmarks/floor_app.py``: bare Flask, fixed TwiML) under the same settings;
3. drives each case with wrk for ``--duration`` seconds per connection count.

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

wrk is closed-loop (each connection waits for its answer), so latency is measured at the
throughput the server sustains, not at a fixed offered rate.

Exits non-zero on errors only (a server that does not start, a non-2xx answer, socket
errors); a missed target prints MISS and still exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
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
class Result:
    db: str
    case: str
    connections: int
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]
    pool_size: int
    wraps: int
    cpu_ms: float  # server CPU (all gunicorn processes) per request
    notes: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


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
    return json.loads(line[len("WRKJSON "):])


def measure(db: str, server: Server, case: Case, connections: int, args: argparse.Namespace,
            tmp: Path, auth_token: str) -> Result:
    pool = tmp / f"pool-{case.name}-{connections}.tsv"
    lua = tmp / "rotate.lua"
    size = write_pool(pool, case, auth_token,
                      max(1000, int(args.pool_rate * (args.duration + args.warmup))))
    check_answer(server.base, case, auth_token)
    if args.warmup > 0:
        run_wrk(server.base, case, pool, lua, connections, args.warmup, args.wrk_threads)
    cpu_before = server.cpu_seconds()
    raw = run_wrk(server.base, case, pool, lua, connections, args.duration, args.wrk_threads)
    cpu = server.cpu_seconds() - cpu_before
    errors = {k: int(raw[k]) for k in ("connect", "read", "write", "status", "timeout")
              if raw[k]}
    result = Result(db, case.name, connections, int(raw["requests"]),
                    raw["duration_us"] / 1e6, raw["p50_us"] / 1e3, raw["p90_us"] / 1e3,
                    raw["p99_us"] / 1e3, raw["max_us"] / 1e3, errors, size, int(raw["wraps"]),
                    cpu * 1e3 / max(1, int(raw["requests"])))
    if case.unique_call and result.wraps:
        result.notes.append(f"pool of {size} CallSids reused {result.wraps}x: raise --pool-rate")
    return result


# --- report ------------------------------------------------------------------------------

def verdicts(results: list[Result]) -> list[tuple[str, bool]]:
    floors = {r.connections: r.rps for r in results if r.case == "floor"}
    out = []
    for r in results:
        if r.case == "floor":
            continue
        if r.connections == P99_TARGET_CONNECTIONS:
            out.append((f"{r.db} {r.case} @{r.connections}: p99 {r.p99_ms:.1f} ms "
                        f"< {P99_TARGET_MS:.0f} ms", r.p99_ms < P99_TARGET_MS))
        floor = floors.get(r.connections)
        if floor:
            share = r.rps / floor
            out.append((f"{r.db} {r.case} @{r.connections}: {share:.0%} of floor "
                        f"({r.rps:.0f}/{floor:.0f} req/s) >= {FLOOR_SHARE_TARGET:.0%}",
                        share >= FLOOR_SHARE_TARGET))
    return out


def table(results: list[Result]) -> str:
    head = ("| db | case | conns | req/s | p50 ms | p90 ms | p99 ms | max ms "
            "| server CPU ms/req | errors |\n"
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = [
        f"| {r.db} | {r.case} | {r.connections} | {r.rps:.0f} | {r.p50_ms:.1f} | "
        f"{r.p90_ms:.1f} | {r.p99_ms:.1f} | {r.max_ms:.1f} | {r.cpu_ms:.2f} | {r.error_count or 0}"
        f"{' ' + json.dumps(r.errors) if r.errors else ''} |"
        for r in results
    ]
    return "\n".join([head, *rows])


def rerun_command(argv: list[str]) -> str:
    return f"cd {REPO} && PYTHONPATH=$PWD {sys.executable} -m benchmarks.ivr {shlex.join(argv)}"


# --- main --------------------------------------------------------------------------------

def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.ivr",
                                description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=float, default=10.0, help="seconds per case (10)")
    p.add_argument("--warmup", type=float, default=2.0,
                   help="unmeasured seconds before each case (2; 0 = none)")
    p.add_argument("--connections", type=int, nargs="+", default=[16, 64],
                   help="connection counts (16 64)")
    p.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES),
                   help="cases to run (all)")
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
        if any(c.floor for c in cases):
            env = {**os.environ, "PYTHONPATH": str(REPO)}
            with running(Server("benchmarks.floor_app:app", env, tmp, "floor",
                                       shlex.split(args.server_args))) as srv:
                for n in args.connections:
                    print(f"floor @{n} ...", file=sys.stderr, flush=True)
                    results.append(measure("-", srv, CASES["floor"], n, args, tmp, auth_token))
        for db in backends:
            product = [c for c in cases if not c.floor]
            if product:
                with database(db, tmp, args.pg_admin) as url:
                    env = hotline_env(tmp / db, url, auth_token)
                    hotline_cli(env, "db", "upgrade")
                    # The demo categories, seeded as development: production refuses
                    # seed-demo (its users' password is published); the server below runs
                    # as production. The database is thrown away afterwards.
                    hotline_cli({**env, "HOTLINE_ENV": "development"}, "seed-demo")
                    with running(Server("hotline.wsgi:app", env, tmp, f"hotline-{db}",
                                               shlex.split(args.server_args))) as srv:
                        for case in product:
                            for n in args.connections:
                                print(f"[{db}] {case.name} @{n} ...", file=sys.stderr,
                                      flush=True)
                                results.append(measure(db, srv, case, n, args, tmp,
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
          f"{load_before[0]:.2f}/{load_after[0]:.2f}; {args.duration:g} s per case, "
          f"wrk -t{args.wrk_threads} on the same machine\n")
    print(table(results))
    for r in results:
        for note in r.notes:
            print(f"note: {r.db} {r.case} @{r.connections}: {note}")
    print("\ntargets:")
    for text, ok in verdicts(results):
        print(f"  {'PASS' if ok else 'MISS'}  {text}")
    print(f"\nrerun: {rerun_command(argv)}")
    if args.json:
        args.json.write_text(json.dumps(
            [{**r.__dict__, "rps": r.rps} for r in results], indent=2))
    failed = [r for r in results if r.error_count]
    if failed:
        print("\nerror: requests failed in " + ", ".join(
            f"{r.db} {r.case} @{r.connections} {r.errors}" for r in failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
