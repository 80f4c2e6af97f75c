"""Pipeline benchmark: N simulated calls through the IVR into transcripts, against the
bare speech engine on the same machine, the same files, in the same run.

1. The bare engine: ``--speech-workers`` fresh processes, each loading the worker's own
   engine (the same model and settings, one thread), take the recordings off one shared
   queue; audio minutes transcribed per wall minute, the model loads not counted.
2. The pipeline: gunicorn serving the hotline, Celery workers on a real Redis (one
   single-threaded speech worker process per --speech-workers, model loaded when the
   process starts), a fresh SQLite database. N calls are placed, --parallel-calls at a
   time, each "speaking" one of the recordings; measured from the first hang-up to the
   last transcript on its ticket.
3. The bare engine again (the machine's other load drifts; the mean of both runs is the
   reference).

It prints the ratio of the two figures, hang-up to transcript (p50/p95, in seconds and
relative to each call's length), and where the time goes, from the stage timings each
media job logs (``jobs.timing``): the download's database work, fetch, audio check and
store; the transcription's queue wait, database work, model load, conversion and model.

    .venv/bin/python benchmarks/pipeline.py [--calls 8] [--speech-workers 2] [--seconds 40]

Recordings are built from ../shared/data/asr-id-dev (human Indonesian speech, licensed
for evaluation only, never committed) when present, else from espeak-ng.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DEV_SET = REPO.parent / "shared" / "data" / "asr-id-dev"
ESPEAK_TEXT = (
    "Nama saya Budi dari desa Sukamaju. Saya ingin melaporkan jalan rusak di depan pasar. "
    "Lubangnya besar dan sudah tiga bulan tidak diperbaiki. Mohon segera ditindaklanjuti. "
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], **kw: object) -> None:
    subprocess.run(cmd, check=True, **kw)  # type: ignore[call-overload]


def build_recordings(out: Path, count: int, seconds: float) -> tuple[list[Path], str]:
    """Complaint-length 8 kHz mono WAVs: dev-set clips strung together, or espeak-ng."""
    out.mkdir(parents=True, exist_ok=True)
    clips = sorted(DEV_SET.glob("*.wav")) if DEV_SET.is_dir() else []
    source = f"human speech from {DEV_SET}" if clips else "espeak-ng (asr-id-dev not found)"
    if not clips:
        raw = out / "espeak.wav"
        _run(["espeak-ng", "-v", "id", "-w", str(raw), ESPEAK_TEXT * 3])
        clips = [raw]
    files = []
    for i in range(count):
        listing = out / f"list{i}.txt"
        chosen, total, j = [], 0.0, i
        while total < seconds:
            clip = clips[j % len(clips)]
            chosen.append(f"file '{clip}'")
            total += _duration(clip)
            j += 1
        listing.write_text("\n".join(chosen))
        target = out / f"call{i}.wav"
        _run(["ffmpeg", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0", "-i",
              str(listing), "-ar", "8000", "-ac", "1", "-sample_fmt", "s16", str(target)])
        files.append(target)
    return files, source


def _duration(path: Path) -> float:
    import wave

    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def _wait_http(url: str, timeout: float = 60) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"server at {url} did not come up")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# --- the bare engine: the same model, processes and files, no pipeline ---------------------

def _bare_worker(speech: Any, jobs: Any, results: Any, ready: Any, start: Any) -> None:
    """One single-threaded engine process: load the model, wait for the start, then take
    files off the shared queue until it is empty (as the speech workers take tasks)."""
    import queue

    engine = speech.load_engine()
    ready.put(os.getpid())
    start.wait()
    while True:
        try:
            path = jobs.get_nowait()
        except queue.Empty:
            break
        tr = engine.transcribe(path)
        results.put((tr.audio_seconds, tr.processing_seconds, time.time()))


def bare_engine(speech: Any, recordings: list[Path], processes: int) -> tuple[float, float]:
    """(audio seconds, wall seconds) of ``processes`` engines over ``recordings``."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")  # a fresh interpreter each, as a Celery worker has
    jobs, results, ready, start = ctx.Queue(), ctx.Queue(), ctx.Queue(), ctx.Event()
    for path in recordings:
        jobs.put(str(path))
    procs = [ctx.Process(target=_bare_worker, args=(speech, jobs, results, ready, start))
             for _ in range(processes)]
    for p in procs:
        p.start()
    import queue

    loaded = 0
    while loaded < len(procs):  # every model loaded: the clock starts with the work
        try:
            ready.get(timeout=1)
            loaded += 1
        except queue.Empty:
            if any(p.exitcode is not None for p in procs):
                raise SystemExit("a bare engine process died loading its model") from None
    began = time.time()
    start.set()
    done = [results.get(timeout=1800) for _ in recordings]
    for p in procs:
        p.join(60)
    return sum(a for a, _, _ in done), max(end for _, _, end in done) - began


# --- the pipeline -----------------------------------------------------------------------------

TRANSCRIBE_STAGES = ("queue_wait", "db", "model_load", "conversion", "model")


def read_stages(logs: list[Path]) -> dict[tuple[int, str], dict[str, float]]:
    """The workers' ``stages`` lines (jobs.timing), by (recording id, step); a job run
    twice (a retry) adds up."""
    from jobs.timing import parse

    found: dict[tuple[int, str], dict[str, float]] = {}
    for log in logs:
        if not log.exists():
            continue
        for line in log.read_text(errors="replace").splitlines():
            parsed = parse(line)
            if parsed is None or parsed[0] != "recording":
                continue
            _, item, step, stages = parsed
            into = found.setdefault((item, step), {})
            for key, value in stages.items():
                into[key] = into.get(key, 0.0) + value
    return found


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=8)
    parser.add_argument("--speech-workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=40, help="length of each recording")
    parser.add_argument("--parallel-calls", type=int, default=4)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/4")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--realtime", action="store_true",
                        help="each call takes a real call's time (its prompts as long as "
                             "Twilio says them, the complaint its recording's length): "
                             "--parallel-calls lines busy as in a call centre (default: every "
                             "call hangs up at once)")
    parser.add_argument("--no-bare-after", dest="bare_after", action="store_false",
                        help="run the bare engine only before the pipeline")
    args = parser.parse_args()

    import redis
    from sqlalchemy import select

    from devtools.call_simulator import CallSimulator
    from devtools.recording_peer import RecordingPeer
    from hotline.demo import seed_demo
    from hotline.migrate import upgrade
    from hotline.runtime import build_runtime
    from hotline.settings import load_settings
    from tickets.models import Recording, Ticket, Transcript, TranscriptionStatus

    tmp = Path(tempfile.mkdtemp(prefix="sw-pipeline-"))
    recordings, source = build_recordings(tmp / "audio", args.calls, args.seconds)
    lengths = {p: _duration(p) for p in recordings}
    audio_seconds = sum(lengths.values())
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "REDIS_URL": args.redis,
        "RECORDINGS_DIR": str(tmp / "recordings"),
        "QUEUE_DIR": str(tmp / "queue"),
        "SPEECH_ENGINE": os.environ.get("SPEECH_ENGINE", "whisper"),
        "SPEECH_THREADS": "1",
        "PYTHONPATH": str(REPO),
    }
    settings = load_settings(env)
    load_before = os.getloadavg()

    # 1. The bare engine: same model and settings as the worker, same processes, same files.
    # Run again after the pipeline (the default): the other load on a shared machine
    # drifts, and the pipeline is compared with the mean of the two.
    bare_audio, bare_wall = bare_engine(settings.speech, recordings, args.speech_workers)
    bare_rates = [bare_audio / bare_wall]  # audio seconds per wall second = min per min

    # 2. The pipeline: web, queue, download, store, transcription, database.
    upgrade(settings.database_url)
    runtime = build_runtime(settings)
    with runtime.session() as session:
        seed_demo(session)
        session.commit()
    redis.Redis.from_url(args.redis).flushdb()

    py = sys.executable
    celery = [py, "-m", "celery", "-A", "hotline.worker", "worker", "--loglevel=INFO"]
    logs = [tmp / "speech.log", tmp / "default.log"]
    with open(logs[0], "wb") as speech_log, open(logs[1], "wb") as default_log:
        procs = [
            subprocess.Popen([*celery, "-Q", "speech", "-c", str(args.speech_workers),
                              "-n", "speech@bench"], env=env, cwd=REPO,
                             stdout=speech_log, stderr=subprocess.STDOUT),
            subprocess.Popen([*celery, "-Q", "default", "-c", "2", "-n", "default@bench"],
                             env=env, cwd=REPO, stdout=default_log, stderr=subprocess.STDOUT),
            subprocess.Popen([py, "-m", "gunicorn", "hotline.wsgi:app", "--bind",
                              f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"],
                             env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL),
        ]
    base = f"http://127.0.0.1:{port}"
    hangups: dict[str, tuple[datetime, float]] = {}
    call_seconds: list[float] = []

    class TimedCall(CallSimulator):
        """The simulator, noting the moment the caller hangs up (before the download)."""

        hung_up: datetime | None = None

        def _run(self, peer: RecordingPeer) -> None:
            super()._run(peer)
            self.hung_up = _now()

    try:
        _wait_http(f"{base}/healthz")
        # Let the speech workers load their model before the clock starts.
        time.sleep(float(os.environ.get("BENCH_WARMUP", "8")))

        def one_call(path: Path) -> None:
            # --realtime: the call takes a real call's time, its prompts heard for as long
            # as Twilio's voice says them and the complaint spoken for the recording's
            # length; the recording is fetched while the caller hears the ticket number.
            sim = TimedCall(base, settings.twilio_auth_token,
                            account_sid=settings.twilio_account_sid,
                            keys=["1", "1", "2", "1"], recordings=[path],
                            pace=time.sleep if args.realtime else None)
            started = _now()
            result = sim.run(wait_for_download=args.timeout)
            if result.ticket_number and sim.hung_up:
                hangups[result.ticket_number] = (sim.hung_up, lengths[path])
                call_seconds.append((sim.hung_up - started).total_seconds())

        with ThreadPoolExecutor(args.parallel_calls) as pool:
            list(pool.map(one_call, recordings))

        deadline = time.monotonic() + args.timeout
        done: dict[str, datetime] = {}
        failed = 0
        while time.monotonic() < deadline:
            with runtime.session() as session:
                rows = session.execute(
                    select(Ticket.number, Ticket.transcription_status, Transcript.created_at)
                    .outerjoin(Transcript, Transcript.ticket_id == Ticket.id)
                ).all()
            done = {n: t for n, s, t in rows if s is TranscriptionStatus.DONE and t}
            failed = sum(1 for _, s, _ in rows if s is TranscriptionStatus.FAILED)
            if len(done) + failed >= len(hangups):
                break
            time.sleep(0.5)
        with runtime.session() as session:
            recs = session.execute(
                select(Recording.id, Ticket.number, Recording.stored_at)
                .join(Ticket, Recording.ticket_id == Ticket.id)).all()
            numbers = {rid: number for rid, number, _ in recs}
            stored = {rid: at for rid, _, at in recs if at is not None}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
    if args.bare_after and done:
        bare_audio, bare_wall = bare_engine(settings.speech, recordings, args.speech_workers)
        bare_rates.append(bare_audio / bare_wall)
    bare_rate = statistics.fmean(bare_rates)
    load_after = os.getloadavg()

    finished = [n for n in done if n in hangups]
    if not finished:
        print("no transcripts were produced")
        return 1
    latency = {n: (done[n] - hangups[n][0]).total_seconds() for n in finished}
    relative = [latency[n] / hangups[n][1] for n in finished]
    first = min(h for h, _ in hangups.values())
    wall = (max(done[n] for n in finished) - first).total_seconds()
    span = (max(h for h, _ in hangups.values()) - first).total_seconds()
    done_audio = sum(hangups[n][1] for n in finished)
    rate = done_audio / wall
    ratio = rate / bare_rate

    print(f"audio: {source}")
    print(f"machine: {os.cpu_count()} cores, load average {load_before[0]:.1f} before, "
          f"{load_after[0]:.1f} after (absolute figures are inflated by other load; the "
          "ratio is measured in the same run)")
    print(f"calls: {len(hangups)} placed ({args.parallel_calls} at a time), {len(finished)} "
          f"transcribed, {failed} failed; {audio_seconds / 60:.1f} audio minutes; "
          f"{args.speech_workers} speech worker(s), 1 thread each")
    if args.realtime and call_seconds:
        print(f"calls lasted {statistics.mean(call_seconds):.0f} s on average (prompts "
              f"heard and complaint spoken; recordings {statistics.mean(lengths.values()):.0f} s)")
    runs = " and ".join(f"{r:.2f}" for r in bare_rates)
    print(f"bare engine: {bare_rate:.2f} audio minutes per wall minute "
          f"({args.speech_workers} single-threaded processes, {settings.speech.engine}, "
          f"same files; runs before and after the pipeline: {runs})")
    print(f"pipeline:    {rate:.2f} audio minutes per wall minute (first hang-up to last "
          f"transcript, wall {wall:.0f} s; the last call hung up {span:.0f} s after the first)")
    print(f"ratio: {100 * ratio:.0f}% of the bare engine (goal >= 80%)")
    print(f"hang-up to transcript: p50 {statistics.median(latency.values()):.1f} s, "
          f"p95 {_pct(list(latency.values()), 0.95):.1f} s; relative to the call's length "
          f"p50 {statistics.median(relative):.2f}x, p95 {_pct(relative, 0.95):.2f}x "
          "(goal p95 < 0.5x)")

    stages = read_stages(logs)
    ours = {rid: number for rid, number in numbers.items() if number in latency}
    print(f"where the time goes (seconds per call, mean over {len(ours)} calls; the workers' "
          "stage timings, jobs.timing):")

    def mean(values: list[float]) -> float:
        return statistics.fmean(values) if values else 0.0

    def stage(step: str, name: str) -> float:
        return mean([stages.get((rid, step), {}).get(name, 0.0) for rid in ours])

    to_stored = mean([(stored[rid] - hangups[n][0]).total_seconds()
                      for rid, n in ours.items() if rid in stored])
    print(f"  hang-up to stored       {to_stored:7.2f}  (the recording's webhook, the download "
          "task's queue, then:)")
    for name in ("db", "fetch", "audio_check", "store"):
        print(f"    download {name:<13}{stage('download', name):7.2f}")
    after = mean([(done[n] - stored[rid]).total_seconds()
                  for rid, n in ours.items() if rid in stored])
    print(f"  stored to transcript    {after:7.2f}")
    accounted = 0.0
    for name in TRANSCRIBE_STAGES:
        accounted += stage("transcribe", name)
        print(f"    transcribe {name:<11}{stage('transcribe', name):7.2f}")
    print(f"    other                {after - accounted:7.2f}  (enqueue after commit, Celery, "
          "the heartbeat's join)")
    busy = sum(stages.get((rid, "transcribe"), {}).get(k, 0.0) for rid in ours
               for k in ("model", "conversion", "model_load"))
    print(f"  speech workers busy {100 * busy / (wall * args.speech_workers):.0f}% of the "
          "pipeline's wall time (model, conversion and loading)")
    print(f"rerun: .venv/bin/python benchmarks/pipeline.py --calls {args.calls} "
          f"--speech-workers {args.speech_workers} --seconds {args.seconds:g} "
          f"--parallel-calls {args.parallel_calls}{' --realtime' if args.realtime else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
