"""End to end: a phoned-in report (espeak-ng Indonesian speech, 8 kHz, through the call
simulator) transcribed by the real Whisper model in a real worker (Redis, PostgreSQL, the
fixtures of tests/media/test_pipeline.py) raises the early warning within 90 s of hang-up
when it tells of an ongoing event without its keyword, and a question about last year's
flood aid raises none."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from analytics.models import EventAlert
from tests.conftest import espeak_wav
from tests.media.test_pipeline import (  # noqa: F401  (the worker and its app, as fixtures)
    app,
    database_url,
    settings,
    worker,
    worker_env,
)
from tests.waiting import wait_until
from tickets.models import Ticket, TranscriptionStatus

pytestmark = [pytest.mark.model, pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]

FILE = ("1", "1", "2", "1")  # complaint, first category, not anonymous, confirm
# No demo keyword (banjir, kebakaran, terbakar, ...) in either; both keep their meaning
# through whisper-base's errors on espeak speech (it drops or bends short words, so each
# idea is said twice, in plain words).
FIRE = ("Tolong pak. Api sudah merambat ke rumah sebelah. Apinya besar sekali dan "
        "warga panik. Cepat kirim pemadam.")
AID = ("Selamat siang. Saya mau bertanya tentang bantuan untuk korban banjir tahun lalu. "
       "Kapan bantuan itu dicairkan? Terima kasih.")


def _judged(db, number: str, since: float) -> tuple[Ticket, EventAlert | None, float]:
    def transcribed() -> Ticket | None:
        db.expire_all()
        ticket = db.scalars(select(Ticket).where(Ticket.number == number)).one()
        return None if ticket.transcription_status is TranscriptionStatus.PENDING else ticket

    # Waits longer than the 90 s the test asserts, so a slow machine fails on the figure.
    ticket = wait_until(transcribed, 180, f"the transcript of {number}")
    alert = db.scalar(select(EventAlert).where(EventAlert.ticket_id == ticket.id))
    return ticket, alert, time.monotonic() - since


def test_a_phoned_fire_without_its_keyword_alarms_and_an_aid_question_does_not(
        place_call, db, tmp_path):
    fire = place_call(*FILE, recordings=[espeak_wav(FIRE, tmp_path / "api.wav")])
    ticket, alert, seconds = _judged(db, fire.ticket_number, time.monotonic())
    assert ticket.transcription_status is TranscriptionStatus.DONE, ticket.transcription_error
    assert alert is not None and alert.alarm, ticket.transcript.text
    assert alert.kind == "kebakaran" and seconds < 90, ticket.transcript.text

    aid = place_call(*FILE, recordings=[espeak_wav(AID, tmp_path / "bantuan.wav")],
                     from_number="+6281299990001")
    ticket, alert, _ = _judged(db, aid.ticket_number, time.monotonic())
    assert ticket.transcription_status is TranscriptionStatus.DONE
    assert alert is None, ticket.transcript.text
