"""Pipeline benchmark: N simulated calls through the IVR into transcripts.

Starts the real thing on this machine: gunicorn serving the hotline, Celery workers
on a real Redis (one speech worker process per --speech-workers, each single-threaded,
model loaded once), a fresh SQLite database. Then places N calls concurrently with
the call simulator, each "speaking" a complaint-length telephone recording, and
measures the time from hang-up to the transcript being on the ticket, and the
throughput in audio minutes transcribed per wall-clock minute.

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=8)
    parser.add_argument("--speech-workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=40, help="length of each recording")
    parser.add_argument("--parallel-calls", type=int, default=4)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/4")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()

    import redis
    from sqlalchemy import select

    from devtools.call_simulator import CallSimulator
    from hotline.demo import seed_demo
    from hotline.migrate import upgrade
    from hotline.runtime import build_runtime
    from hotline.settings import load_settings
    from tickets.models import Ticket, Transcript, TranscriptionStatus

    tmp = Path(tempfile.mkdtemp(prefix="sw-pipeline-"))
    recordings, source = build_recordings(tmp / "audio", args.calls, args.seconds)
    audio_seconds = sum(_duration(p) for p in recordings)
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
    upgrade(settings.database_url)
    runtime = build_runtime(settings)
    with runtime.session() as session:
        seed_demo(session)
        session.commit()
    redis.Redis.from_url(args.redis).flushdb()

    py = sys.executable
    celery = [py, "-m", "celery", "-A", "hotline.worker", "worker", "--loglevel=WARNING"]
    procs = [
        subprocess.Popen([*celery, "-Q", "speech", "-c", str(args.speech_workers),
                          "-n", "speech@bench"], env=env, cwd=REPO),
        subprocess.Popen([*celery, "-Q", "default", "-c", "2", "-n", "default@bench"],
                         env=env, cwd=REPO),
        subprocess.Popen([py, "-m", "gunicorn", "hotline.wsgi:app", "--bind",
                          f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"],
                         env=env, cwd=REPO, stderr=subprocess.DEVNULL),
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_http(f"{base}/healthz")
        # Let the speech workers load their model before the clock starts.
        time.sleep(float(os.environ.get("BENCH_WARMUP", "8")))
        hangups: dict[str, datetime] = {}

        def one_call(path: Path) -> None:
            sim = CallSimulator(base, settings.twilio_auth_token,
                                account_sid=settings.twilio_account_sid,
                                keys=["1", "1", "2", "1"], recordings=[path])
            result = sim.run(wait_for_download=args.timeout)
            if result.ticket_number:
                hangups[result.ticket_number] = datetime.now(UTC).replace(tzinfo=None)

        first = datetime.now(UTC).replace(tzinfo=None)
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
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()

    latencies = sorted((done[n] - hangups[n]).total_seconds() for n in done if n in hangups)
    if not latencies:
        print("no transcripts were produced")
        return 1
    wall = (max(done.values()) - first).total_seconds()
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    print(f"audio: {source}")
    print(f"calls: {len(hangups)} placed, {len(done)} transcribed, {failed} failed; "
          f"{audio_seconds / 60:.1f} audio minutes; {args.speech_workers} speech worker(s)")
    print(f"hang-up to transcript: p50 {statistics.median(latencies):.1f} s, p95 {p95:.1f} s")
    print(f"throughput: {audio_seconds / 60 / (wall / 60):.2f} audio minutes per wall minute "
          f"(wall {wall:.0f} s from the first call)")
    print(f"rerun: .venv/bin/python benchmarks/pipeline.py --calls {args.calls} "
          f"--speech-workers {args.speech_workers} --seconds {args.seconds:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
