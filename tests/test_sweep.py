"""The periodic sweep picks up work a lost message or a crashed worker left behind."""

from __future__ import annotations

from datetime import timedelta

from hotline.tasks import sweep
from tickets import services
from tickets.db import utcnow
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Channel, RecordingStatus, Status, TranscriptionStatus

LOST_CALL, LOST_RECORDING = "CA" + "1" * 32, "RE" + "1" * 32


def _orphan_recording(db, peer, wav, *, minutes_ago: int):
    """A submitted complaint whose download task was never delivered."""
    call = services.start_call(db, LOST_CALL, "+628111", "+62215550112")
    call.pending_recording_sid = LOST_RECORDING
    call.pending_recording_url = peer.add(LOST_RECORDING, wav)
    db.commit()
    ticket, recording, created = services.file_phone_complaint(db, LOST_CALL,
                                                                tz="Asia/Jakarta")
    assert created
    recording.created_at = utcnow() - timedelta(minutes=minutes_ago)
    db.commit()
    return ticket, recording


def test_the_sweep_fetches_a_recording_whose_task_was_lost(app, db, peer, complaint_wav):
    ticket, recording = _orphan_recording(db, peer, complaint_wav, minutes_ago=30)
    counts = sweep.apply().get()
    assert counts["downloads"] == 1
    db.expire_all()
    assert recording.status is RecordingStatus.STORED
    assert ticket.transcription_status is TranscriptionStatus.MANUAL
    assert ticket.status is Status.AWAITING_VERIFICATION


def test_the_sweep_leaves_a_fresh_download_to_its_own_task(app, db, peer, complaint_wav):
    _, recording = _orphan_recording(db, peer, complaint_wav, minutes_ago=1)
    assert sweep.apply().get()["downloads"] == 0
    db.expire_all()
    assert recording.status is RecordingStatus.PENDING


def test_answered_tickets_close_themselves_after_ten_working_days(app, db):
    ticket = services.create_ticket(db, channel=Channel.WALK_IN, actor=SYSTEM,
                                    tz="Asia/Jakarta")
    transition(db, ticket, Status.FORWARDED, SYSTEM)
    ticket.answer = "Sudah diperbaiki."
    transition(db, ticket, Status.ANSWERED, SYSTEM)
    recent = services.create_ticket(db, channel=Channel.WALK_IN, actor=SYSTEM,
                                    tz="Asia/Jakarta")
    transition(db, recent, Status.FORWARDED, SYSTEM)
    transition(db, recent, Status.ANSWERED, SYSTEM)
    ticket.answered_at = utcnow() - timedelta(days=20)
    db.commit()

    assert sweep.apply().get()["closed"] == 1
    db.expire_all()
    assert ticket.status is Status.CLOSED
    assert "Ditutup otomatis" in (ticket.events[-1].note or "")
    assert recent.status is Status.ANSWERED
