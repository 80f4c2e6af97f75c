"""The reporter's feedback in the console: the rating, the reopenings with their
explanations (typed, recorded, transcribed) in the history, answering a reopened ticket
again, and escalation past the reopen limit; and in `hotline tickets show --json`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from feedback import replies
from feedback.models import FeedbackChannel, Reopening
from feedback.replies import FeedbackPolicy
from media import reopening_notes
from media.recordings import RecordingRef
from media.transcripts import store_transcript
from tests.agents.conftest import reload
from tests.conftest import make_test_env
from tickets.models import Status, TranscriptionStatus

TZ = "Asia/Jakarta"
CALL = "CA" + "3" * 32
NOTE_SID = "RE" + "4" * 32
SAID = "Lubang di depan sekolah masih belum ditambal"


@pytest.fixture
def reopened(db, make_ticket, peer, complaint_wav):
    """An answered ticket reopened on the phone, its explanation recorded (downloaded from
    the loopback peer by the eager task) and transcribed."""
    ticket = make_ticket(Status.ANSWERED)
    replies.reopen(db, ticket, channel=FeedbackChannel.PHONE,
                    policy=FeedbackPolicy(2, TZ), call_sid=CALL)
    url = peer.add(NOTE_SID, complaint_wav)
    note = reopening_notes.attach_recording(db, ticket, CALL, RecordingRef(NOTE_SID, url, 3))
    db.commit()
    db.refresh(note)
    note.transcription_status = TranscriptionStatus.PENDING  # no speech engine in tests
    store_transcript(db, note.recording_id, {"text": SAID, "words": [], "engine": "test",
                                             "confidence": 0.8}, tz=TZ)
    db.commit()
    return reload(db, ticket)


def test_the_history_shows_the_reopening_with_its_recording_and_transcript(
        operator, pokja, reopened, db):
    note = db.scalars(select(Reopening)).one()
    for who in (operator, pokja):
        page = who.get(f"/console/tiket/{reopened.number}").get_data(as_text=True)
        assert "Dibuka kembali" in page
        assert f"Transkrip penjelasan: {SAID}" in page
        assert f"/rekaman/{note.recording_id}" in page
        assert "dibuka kembali ke-1" in page
    # The note's recording is the reporter's voice, served like the complaint's.
    audio = pokja.get(f"/console/tiket/{reopened.number}/rekaman/{note.recording_id}")
    assert audio.status_code == 200 and audio.mimetype.startswith("audio/")
    # The ticket's own transcript status is the complaint's, untouched.
    assert reopened.transcript is None


def test_an_anonim_tickets_explanation_stays_with_the_call_centre(
        operator, pokja, reopened, db):
    reopened.anonim = True
    db.commit()
    page = pokja.get(f"/console/tiket/{reopened.number}").get_data(as_text=True)
    assert SAID not in page and "hanya dibuka untuk call center" in page
    assert SAID in operator.get(f"/console/tiket/{reopened.number}").get_data(as_text=True)


def test_the_pokja_answers_a_reopened_ticket_again(pokja, reopened, db):
    page = pokja.get(f"/console/tiket/{reopened.number}").get_data(as_text=True)
    assert 'id="answer"' in page
    response = pokja.post(f"/console/tiket/{reopened.number}/jawab",
                          {"answer": "Sudah ditambal ulang dengan aspal."})
    assert response.status_code == 302
    ticket = reload(db, reopened)
    assert ticket.status is Status.ANSWERED and ticket.answer.startswith("Sudah ditambal ulang")


def test_an_escalated_ticket_is_the_supervisors_and_not_the_pokjas(
        pokja, supervisor, make_ticket, db):
    ticket = make_ticket(Status.ANSWERED)
    replies.reopen(db, ticket, channel=FeedbackChannel.SMS, policy=FeedbackPolicy(0, TZ),
                    note="Masih rusak.")
    db.commit()
    page = pokja.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert 'id="escalated"' in page and 'id="answer"' not in page
    assert "Masih rusak." in page
    refused = pokja.post(f"/console/tiket/{ticket.number}/jawab", {"answer": "Sudah."})
    assert refused.status_code == 403
    assert reload(db, ticket).status is Status.REOPENED
    page = supervisor.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert 'id="escalated"' in page and 'id="answer"' in page
    queue = supervisor.get("/console/antrean?status=reopened").get_data(as_text=True)
    assert ticket.number in queue
    report = supervisor.get("/console/laporan").get_data(as_text=True)
    assert ticket.number in report


def test_the_rating_shows_on_the_ticket(operator, make_ticket, db):
    ticket = make_ticket(Status.ANSWERED)
    replies.confirm_fixed(db, ticket, channel=FeedbackChannel.SMS, tz=TZ)
    replies.rate(db, ticket, 5)
    db.commit()
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert 'id="rating"' in page and "5 dari 5" in page and "Selesai" in page


def test_tickets_show_json_has_the_rating_and_the_reopenings_transcript(
        reopened, database_url, tmp_path):
    from hotline.cli import cli

    result = CliRunner(env=make_test_env(database_url, tmp_path)).invoke(
        cli, ["tickets", "show", reopened.number, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["status"] == "reopened" and data["rating"] is None
    (r,) = data["reopenings"]
    assert r["transcript"] == {"status": "done", "text": SAID, "engine": "test",
                               "confidence": 0.8, "error": None}
    assert r["recording"]["sid"] == NOTE_SID and r["recording"]["status"] == "stored"
    assert data["recording"] is None  # a desk ticket: the note is not the complaint
