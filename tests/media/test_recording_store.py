"""Storing a downloaded recording: the server names the file, and only audio is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from media.audio_check import NotAudio
from media.recordings import max_recording_bytes, recording_path, store_recording
from tests.audio_samples import HTML, wav_bytes
from tickets.lifecycle import SYSTEM
from tickets.models import Channel, Recording, RecordingStatus, Status, TranscriptionStatus
from tickets.services import create_ticket

CLIMBING_SID = "RE../../../../../../../../../../tmp/suarawarga-escaped"


def _recording(db, sid: str, duration: float | None = None) -> Recording:
    ticket = create_ticket(db, channel=Channel.PHONE, actor=SYSTEM, tz="Asia/Jakarta",
                           reporter_phone="+6281111", status=Status.RECORDED,
                           transcription_status=TranscriptionStatus.PENDING)
    # A row written before webhook values were checked can still hold anything.
    recording = Recording(ticket=ticket, recording_sid=sid, duration_seconds=duration)
    db.add(recording)
    db.commit()
    return recording


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_the_file_is_named_by_the_server_not_by_the_recording_sid(db, settings):
    escaped = Path("/tmp/suarawarga-escaped.wav")
    escaped.unlink(missing_ok=True)
    recording = _recording(db, CLIMBING_SID)

    stored = store_recording(db, recording.id, wav_bytes(1.0), "audio/x-wav",
                             settings.recordings_dir)
    db.commit()

    assert not escaped.exists()
    assert stored.path == f"{stored.created_at:%Y/%m}/{stored.ticket.number}-{stored.id}.wav"
    files = _files(settings.recordings_dir)
    assert files == [settings.recordings_dir.resolve() / stored.path]
    assert "RE" not in stored.path


def test_the_duration_is_measured_from_the_content_not_taken_from_the_webhook(db, settings):
    recording = _recording(db, "RE" + "2" * 32, duration=30)
    stored = store_recording(db, recording.id, wav_bytes(1.5), "audio/x-wav",
                             settings.recordings_dir)
    db.commit()
    assert stored.duration_seconds == pytest.approx(1.5)
    assert stored.content_type == "audio/wav"


def test_an_html_body_is_refused_and_nothing_is_written(db, settings):
    recording = _recording(db, "RE" + "3" * 32)
    with pytest.raises(NotAudio, match="bukan audio"):
        store_recording(db, recording.id, HTML, "text/html", settings.recordings_dir)
    db.rollback()
    assert recording.status is RecordingStatus.PENDING and recording.path is None
    assert _files(settings.recordings_dir) == []


def test_a_stored_path_leading_out_of_the_recordings_folder_is_never_opened(db, settings):
    recording = _recording(db, "RE" + "4" * 32)
    recording.status = RecordingStatus.STORED
    recording.path = "2026/01/../../../../etc/passwd"
    db.commit()
    assert recording_path(settings.recordings_dir, recording) is None
    recording.path = "2026/01/12345678-1.wav"
    assert recording_path(settings.recordings_dir, recording) == (
        settings.recordings_dir.resolve() / "2026/01/12345678-1.wav")


def test_the_size_limit_follows_the_longest_recording_the_ivr_asks_for():
    # 180 s of 8 kHz 16-bit mono is 2,880,000 bytes; the limit leaves room above it.
    assert 2_880_000 < max_recording_bytes(180) < 4_000_000
    assert max_recording_bytes(600) > max_recording_bytes(180)
