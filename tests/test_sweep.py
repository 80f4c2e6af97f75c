"""The periodic sweep picks up work a lost message or a crashed worker left behind."""

from __future__ import annotations

from datetime import timedelta

from hotline.tasks import sweep
from tickets import calls, services
from tickets.clock import utcnow
from tickets.events import SESSION_KEY, Dispatcher
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Channel, Recording, RecordingStatus, Status, TranscriptionStatus


def _orphan_recording(db, peer, wav, *, minutes_ago: int):
    """A submitted complaint whose download task was never delivered."""
    sid = "RE" + "1" * 32
    # Filed outside a request, so nothing enqueues the download: as if its task were lost.
    with db.begin():
        db.info[SESSION_KEY] = Dispatcher()
        calls.recording_made(db, "CAlost", "+628111", "+62215550112",
                             calls.RecordingRef(sid, peer.add(sid, wav)), tz="Asia/Jakarta")
        filed = calls.confirmed(db, "CAlost", tz="Asia/Jakarta")
        assert filed is not None and filed.created
        recording = db.get(Recording, filed.recording_id)
        recording.created_at = utcnow() - timedelta(minutes=minutes_ago)
    del db.info[SESSION_KEY]
    return recording.ticket, recording


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
    transition(db, ticket, Status.FORWARDED, SYSTEM, tz="Asia/Jakarta")
    ticket.answer = "Sudah diperbaiki."
    transition(db, ticket, Status.ANSWERED, SYSTEM, tz="Asia/Jakarta")
    recent = services.create_ticket(db, channel=Channel.WALK_IN, actor=SYSTEM,
                                    tz="Asia/Jakarta")
    transition(db, recent, Status.FORWARDED, SYSTEM, tz="Asia/Jakarta")
    transition(db, recent, Status.ANSWERED, SYSTEM, tz="Asia/Jakarta")
    ticket.answered_at = utcnow() - timedelta(days=20)
    db.commit()

    assert sweep.apply().get()["closed"] == 1
    db.expire_all()
    assert ticket.status is Status.CLOSED
    assert "Ditutup otomatis" in (ticket.events[-1].note or "")
    assert recent.status is Status.ANSWERED
