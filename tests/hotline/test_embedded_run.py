"""`hotline run` (what `make run` starts) on an empty folder: gunicorn, the embedded
queue and both workers come up together and a phoned complaint reaches its ticket."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from devtools.call_simulator import CallSimulator
from hotline.demo import seed_demo
from hotline.migrate import upgrade
from hotline.runtime import build_runtime
from hotline.settings import REPO_ROOT, load_settings
from tests.waiting import wait_until
from tickets.models import Ticket, TranscriptionStatus

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_hotline_run_serves_calls_and_its_workers_take_the_recording(tmp_path: Path,
                                                                     complaint_wav: Path):
    port = _free_port()
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'hotline.db'}",
        "QUEUE_DIR": str(tmp_path / "queue"),  # empty: the workers create the queue tables
        "RECORDINGS_DIR": str(tmp_path / "recordings"),
        "SPEECH_ENGINE": "none",
    }
    settings = load_settings(env)
    upgrade(settings.database_url)
    runtime = build_runtime(settings)
    with runtime.session() as session:
        seed_demo(session)
        session.commit()
    log = open(tmp_path / "run.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "hotline", "run", "--port", str(port)],
        env={**os.environ, **env, "PYTHONPATH": str(REPO_ROOT)}, cwd=REPO_ROOT,
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            assert proc.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
            try:
                return bool(requests.get(f"{base}/healthz", timeout=2).json()["embedded"])
            except requests.RequestException:
                return False

        # A hang guard: gunicorn and two workers import everything, slow on a busy machine.
        wait_until(up, 180, "hotline run to come up")

        result = CallSimulator(base, settings.twilio_auth_token,
                               account_sid=settings.twilio_account_sid,
                               keys=["1", "1", "2", "1"], recordings=[complaint_wav],
                               ).run(wait_for_download=60)
        assert result.ticket_number

        def handled() -> bool:
            assert proc.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
            with runtime.session() as session:
                ticket = session.scalars(
                    select(Ticket).where(Ticket.number == result.ticket_number)).one()
                return ticket.transcription_status is TranscriptionStatus.MANUAL

        wait_until(handled, 60, "the speech worker to hand the recording to an agent")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        runtime.engine.dispose()
