"""Messaging webhook benchmark: how long a citizen waits for each reply.

Plays N whole WhatsApp conversations (greeting, menu, category, anonymity, three text
messages, SELESAI, STATUS) through the real app's WSGI stack in this process (signature
check, the request's transaction, TwiML), on SQLite in a temp dir, and prints the
per-message latency. Media are left out: their download and transcription run on the
queues, never in the request.

Rerun:
    PYTHONPATH=. python -m benchmarks.conversations                 # 200 conversations
    PYTHONPATH=. python -m benchmarks.conversations --conversations 50
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from twilio.request_validator import RequestValidator

from devtools.chat_simulator import ticket_number
from hotline.app import create_app
from hotline.demo import seed_demo
from hotline.migrate import upgrade
from hotline.settings import load_settings

SCRIPT = ("Halo", "1", "1", "2", "Jalan di depan SD Sukamaju berlubang.",
          "Sudah dua minggu.", "Mohon diperbaiki.", "SELESAI")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        settings = load_settings({"DATABASE_URL": url, "SPEECH_ENGINE": "none",
                                  "QUEUE_DIR": str(Path(tmp) / "queue"),
                                  "RECORDINGS_DIR": str(Path(tmp) / "rec"),
                                  "MESSAGE_RATE_LIMIT": "1000"})
        app = create_app(settings, CELERY={"task_always_eager": True})
        runtime = app.extensions["hotline"]
        with runtime.session() as session:
            seed_demo(session)
            session.commit()
        client = app.test_client()
        validator = RequestValidator(settings.twilio_auth_token)
        endpoint = "http://localhost/messaging/inbound"
        timings: list[float] = []
        filed = 0
        for n in range(args.conversations):
            sender = f"whatsapp:+62812{n:08d}"
            number = None
            for step, text in enumerate((*SCRIPT, "STATUS")):
                body = f"STATUS {number}" if text == "STATUS" else text
                form = {"MessageSid": f"SM{n:016x}{step:016x}", "AccountSid": "AC" + "0" * 32,
                        "From": sender, "To": "whatsapp:+62215550112", "Body": body,
                        "NumMedia": "0"}
                headers = {"X-Twilio-Signature": validator.compute_signature(endpoint, form)}
                start = time.perf_counter()
                response = client.post("/messaging/inbound", data=form, headers=headers)
                timings.append(time.perf_counter() - start)
                assert response.status_code == 200, response.status_code
                if text == "SELESAI":
                    number = ticket_number([response.get_data(as_text=True)])
                    filed += number is not None
        runtime.engine.dispose()
    timings.sort()
    ms = [t * 1000 for t in timings]
    print(f"{args.conversations} conversations, {len(ms)} messages, {filed} tickets filed "
          f"(SQLite, one process)")
    print(f"reply latency ms: median {statistics.median(ms):.1f}  "
          f"p95 {ms[int(len(ms) * 0.95)]:.1f}  p99 {ms[int(len(ms) * 0.99)]:.1f}  "
          f"max {ms[-1]:.1f}")


if __name__ == "__main__":
    main()
