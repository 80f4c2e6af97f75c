"""Keeping complaint recordings: storing the downloaded file, and its failures."""

from __future__ import annotations

import hashlib
import io
import os
import wave
from pathlib import Path

from sqlalchemy.orm import Session

from tickets import concurrency, events
from tickets.clock import utcnow
from tickets.errors import IllegalTransition
from tickets.lifecycle import SYSTEM, Actor, Principal, record_event, transition
from tickets.models import Recording, RecordingStatus, Status, TranscriptionStatus
from tickets.permissions import DESK_ROLES, require_role, viewable_ticket

_EXTENSIONS = {"audio/x-wav": ".wav", "audio/wav": ".wav", "audio/mpeg": ".mp3"}


def _wav_duration(data: bytes) -> float | None:
    try:
        with wave.open(io.BytesIO(data)) as wav:
            return wav.getnframes() / float(wav.getframerate())
    except (wave.Error, EOFError, ZeroDivisionError):
        return None


def get_recording(session: Session, recording_id: int) -> Recording:
    recording = session.get(Recording, recording_id)
    if recording is None:
        raise LookupError(f"recording {recording_id} does not exist")
    return recording


def store_recording(
    session: Session, recording_id: int, data: bytes, content_type: str, recordings_dir: Path
) -> Recording:
    """Write the audio under ``recordings_dir`` with its sha256 and publish
    :class:`~tickets.events.RecordingStored`; a second call changes nothing."""
    recording = get_recording(session, recording_id)
    if recording.status is RecordingStatus.STORED:
        return recording
    created = recording.created_at or utcnow()
    ext = _EXTENSIONS.get(content_type.split(";")[0].strip().lower(), ".wav")
    name = f"{recording.ticket.number}-{recording.recording_sid}{ext}"
    relative = Path(f"{created:%Y/%m}") / name
    target = recordings_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)

    recording.path = relative.as_posix()
    recording.content_type = content_type
    recording.sha256 = hashlib.sha256(data).hexdigest()
    recording.size_bytes = len(data)
    recording.duration_seconds = _wav_duration(data) or recording.duration_seconds
    recording.status = RecordingStatus.STORED
    recording.stored_at = utcnow()
    recording.attempts += 1
    recording.error = None
    recording.lease_owner = recording.lease_until = None  # free for its transcription
    session.flush()
    events.publish(session, events.RecordingStored(recording.id))
    return recording


def record_download_failure(
    session: Session, recording_id: int, error: str, *, permanent: bool, tz: str
) -> Recording:
    """Count a failed download; a permanent one hands the ticket to an agent as it is."""
    recording = get_recording(session, recording_id)
    if recording.status is RecordingStatus.STORED:
        return recording
    recording.attempts += 1
    recording.error = error
    if permanent:
        recording.status = RecordingStatus.FAILED
        ticket = recording.ticket
        ticket.transcription_status = TranscriptionStatus.FAILED
        ticket.transcription_error = f"Rekaman tidak dapat diunduh: {error}"
        if ticket.status is Status.RECORDED:
            transition(session, ticket, Status.AWAITING_VERIFICATION, SYSTEM,
                       "Rekaman gagal diunduh; silakan hubungi pelapor.", tz=tz)
        else:
            record_event(session, ticket, SYSTEM, "system",
                         f"Rekaman gagal diunduh: {error}", internal=True)
    session.flush()
    return recording


def retry_download(session: Session, user: Principal, number: str, recording_id: int, *,
                   version: int, tz: str) -> Recording:
    """An operator fetches a recording again after its download failed for good (a long
    outage at Twilio or here): it is pending again and queued once this commits."""
    require_role(user, *DESK_ROLES)
    ticket = viewable_ticket(session, user, number)
    concurrency.check_version(session, ticket, version, tz)
    recording = next((r for r in ticket.recordings if r.id == recording_id), None)
    if recording is None or recording.status is not RecordingStatus.FAILED:
        raise IllegalTransition("Hanya rekaman yang gagal diunduh yang dapat diunduh ulang.")
    recording.status = RecordingStatus.PENDING
    recording.attempts, recording.error = 0, None
    recording.lease_owner = recording.lease_until = None
    if ticket.transcript is None:
        ticket.transcription_status = TranscriptionStatus.PENDING
        ticket.transcription_error = None
    record_event(session, ticket, Actor.of(user), "edit", "Rekaman diunduh ulang.")
    concurrency.flush(session, ticket, tz)
    events.publish(session, events.RecordingFiled(recording.id))
    return recording


def recording_path(recordings_dir: Path, recording: Recording) -> Path | None:
    if recording.status is not RecordingStatus.STORED or not recording.path:
        return None
    return recordings_dir / recording.path
