"""A reopening's spoken explanation goes the complaint's way: the status line records it,
the Celery worker on a real Redis downloads it and Whisper transcribes it onto the
reopening, which the ticket page and `tickets show --json` then show."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from feedback.models import Reopening
from speech.normalize import normalize_for_scoring
from speech.scoring import char_errors
from tests.media.test_pipeline import (  # noqa: F401  (the worker, Redis and Whisper fixtures)
    CER_BOUND,
    COMPLAINT,
    app,
    database_url,
    long_complaint,
    settings,
    worker,
    worker_env,
)
from tests.notify.conftest import make_ticket
from tests.waiting import wait_until
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Status, TranscriptionStatus

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]


@pytest.mark.model
def test_the_explanation_of_a_reopening_is_transcribed_by_the_worker(
        place_call, long_complaint, db):  # noqa: F811
    ticket = make_ticket(db)
    transition(db, ticket, Status.FORWARDED, SYSTEM, tz="Asia/Jakarta")
    ticket.answer = "Jalan sudah ditambal."
    transition(db, ticket, Status.ANSWERED, SYSTEM, tz="Asia/Jakarta")
    db.commit()
    place_call("2", ticket.number + "#", "2", recordings=[long_complaint])
    def transcribed() -> Reopening | None:
        db.expire_all()
        note = db.scalars(select(Reopening)).one()
        return note if note.transcription_status is not TranscriptionStatus.PENDING else None

    note = wait_until(transcribed, 120, "the reopening's transcript")
    assert note.transcription_status is TranscriptionStatus.DONE, note.transcription_error
    assert note.transcript_engine == "whisper" and note.transcript_words
    errors, total = char_errors(normalize_for_scoring(COMPLAINT),
                                normalize_for_scoring(note.transcript_text or ""))
    assert errors / total < CER_BOUND, f"CER {errors}/{total}: {note.transcript_text}"
    db.refresh(ticket)
    assert ticket.status is Status.REOPENED
    assert ticket.transcript is None  # the complaint's transcript is not touched
