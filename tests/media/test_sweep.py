"""The periodic sweep picks up work a lost message or a crashed worker left behind."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from celery import _state as celery_state
from sqlalchemy import update

from feedback.tasks import auto_close
from ivr import calls
from media import policy, work
from media.policy import UNCLAIMED_GRACE
from media.recordings import RecordingRef, store_recording
from media.tasks import sweep, transcribe
from tests.waiting import wait_until
from tickets import services
from tickets.clock import utcnow
from tickets.events import SESSION_KEY, Dispatcher
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Channel, Recording, RecordingStatus, Status, TranscriptionStatus


def _orphan_recording(db, peer, wav, *, seconds_ago: int):
    """A submitted complaint whose download task was never delivered."""
    sid = "RE" + "1" * 32
    # Filed outside a request, so nothing enqueues the download: as if its task were lost.
    with db.begin():
        db.info[SESSION_KEY] = Dispatcher()
        calls.recording_made(db, "CAlost", "+628111", "+62215550112",
                             RecordingRef(sid, peer.add(sid, wav)), tz="Asia/Jakarta")
        filed = calls.confirmed(db, "CAlost", tz="Asia/Jakarta")
        assert filed is not None and filed.created
        recording = db.get(Recording, filed.recording_id)
        recording.created_at = utcnow() - timedelta(seconds=seconds_ago)
    del db.info[SESSION_KEY]
    return recording.ticket, recording


def test_the_sweep_fetches_a_recording_whose_task_was_lost(app, db, peer, complaint_wav):
    # Past the grace a queued job gets to be claimed: its message was lost (or the broker
    # was down when it was queued).
    ticket, recording = _orphan_recording(db, peer, complaint_wav,
                                          seconds_ago=int(UNCLAIMED_GRACE.total_seconds()) + 5)
    counts = sweep.apply().get()
    assert counts["downloads"] == 1
    db.expire_all()
    assert recording.status is RecordingStatus.STORED
    assert ticket.transcription_status is TranscriptionStatus.MANUAL
    assert ticket.status is Status.AWAITING_VERIFICATION


def test_the_sweep_leaves_a_fresh_download_to_its_own_task(app, db, peer, complaint_wav):
    _, recording = _orphan_recording(db, peer, complaint_wav, seconds_ago=5)
    assert sweep.apply().get()["downloads"] == 0
    db.expire_all()
    assert recording.status is RecordingStatus.PENDING


def test_a_download_held_by_a_live_worker_is_left_alone_until_its_lease_runs_out(
        app, db, peer, complaint_wav):
    _, recording = _orphan_recording(db, peer, complaint_wav, seconds_ago=3600)
    assert work.RECORDINGS.claim_download(db, recording.id, "worker-a") is work.Claim.GRANTED
    db.commit()
    assert sweep.apply().get()["downloads"] == 0  # a worker has it
    # and nobody else may
    assert work.RECORDINGS.claim_download(db, recording.id, "worker-b") is work.Claim.BUSY
    # The worker was killed: its lease runs out and the sweep hands the job on.
    db.execute(update(Recording).where(Recording.id == recording.id)
               .values(lease_until=utcnow() - timedelta(seconds=1)))
    db.commit()
    assert sweep.apply().get()["downloads"] == 1
    db.expire_all()
    assert recording.status is RecordingStatus.STORED and recording.lease_owner is None


@pytest.fixture
def speech_engine_on(env_overrides: dict[str, str]) -> None:
    env_overrides["SPEECH_ENGINE"] = "vosk"  # never loaded: no attempt is left to run


@pytest.mark.usefixtures("speech_engine_on")
def test_a_transcription_that_keeps_killing_its_worker_ends_as_failed(
        app, db, peer, complaint_wav):
    ticket, recording = _orphan_recording(db, peer, complaint_wav, seconds_ago=5)
    with db.begin():  # stored, as the download task does, but without enqueueing
        db.info[SESSION_KEY] = Dispatcher()
        store_recording(db, recording.id, complaint_wav.read_bytes(), "audio/x-wav",
                        app.extensions["hotline"].settings.recordings_dir)
    del db.info[SESSION_KEY]
    assert ticket.transcription_status is TranscriptionStatus.PENDING
    for attempt in range(policy.TRANSCRIPTION.max_attempts):
        # Each attempt claims the job and then its worker dies (the lease runs out).
        claim = work.RECORDINGS.claim_transcription(db, recording.id, f"worker-{attempt}")
        assert claim is work.Claim.GRANTED
        db.execute(update(Recording).where(Recording.id == recording.id)
                   .values(lease_until=utcnow() - timedelta(seconds=1)))
        db.commit()
    assert work.RECORDINGS.claim_transcription(db, recording.id, "x") is work.Claim.EXHAUSTED
    db.rollback()
    transcribe.apply((recording.id,), task_id="sweep-rescue")
    db.expire_all()
    assert ticket.transcription_status is TranscriptionStatus.FAILED
    assert "dicoba 3 kali" in (ticket.transcription_error or "")
    assert ticket.status is Status.AWAITING_VERIFICATION  # in the operators' queue


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

    assert auto_close.apply().get()["closed"] == 1
    db.expire_all()
    assert ticket.status is Status.CLOSED
    assert "Ditutup otomatis" in (ticket.events[-1].note or "")
    assert recent.status is Status.ANSWERED


def test_two_sweeps_at_once_fetch_each_lost_recording_once(app, db, peer, complaint_wav):
    _, recording = _orphan_recording(db, peer, complaint_wav, seconds_ago=3600)
    start, results = threading.Barrier(2), []

    def run() -> None:
        start.wait()
        results.append(sweep.apply().result)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # Eager tasks in two threads at once leave Celery's process-wide "inside a task" flag
    # set (it is saved and restored per call, not per thread); later tests call .get().
    celery_state._set_task_join_will_block(False)
    assert len(results) == 2
    db.expire_all()
    assert recording.status is RecordingStatus.STORED
    # Both sweeps may have queued it; only the one holding the lease fetched it.
    assert peer.recordings[recording.recording_sid].hits == 1


def test_a_working_transcription_keeps_renewing_its_lease(app, db, peer, complaint_wav):
    _, recording = _orphan_recording(db, peer, complaint_wav, seconds_ago=5)
    db.execute(update(Recording).where(Recording.id == recording.id)
               .values(lease_owner="w", lease_until=utcnow() - timedelta(seconds=1)))
    db.commit()
    def renewed() -> bool:
        db.expire_all()
        return bool(recording.lease_until > utcnow())

    with transcribe.heartbeat("r", work.RECORDINGS.renewal(recording.id, "w"),
                             every=timedelta(milliseconds=20)):
        wait_until(renewed, 30, "the heartbeat to renew the lease")
    assert recording.lease_until > utcnow() + policy.LEASE - timedelta(seconds=10)
    assert work.RECORDINGS.transcriptions_to_rescue(db) == []  # not stored yet; and held
