"""Keeping complaint recordings: storing the downloaded file, and its failures.

Only audio is kept (:mod:`media.audio_check` reads the bytes), under a name the
server makes from the ticket number and the recording's id: nothing a webhook
sent reaches the file system.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from jobs import timing
from media import audio_check, reopening_notes
from media.audio_check import AudioFormat
from media.policy import Reason
from tickets import concurrency, events
from tickets.clock import utcnow
from tickets.errors import IllegalTransition
from tickets.lifecycle import SYSTEM, Actor, Principal, record_event, transition
from tickets.models import Recording, RecordingStatus, Status, TranscriptionStatus
from tickets.permissions import desk_ticket


@dataclass(frozen=True)
class RecordingRef:
    """A recording as Twilio announced it (its SID and URL checked at the boundary)."""

    sid: str
    url: str
    duration_seconds: int | None = None

# Twilio's <Record> WAV is 8 kHz, 16-bit, mono: 16,000 bytes a second. MP3 is smaller.
TELEPHONE_WAV_BYTES_PER_SECOND = 8000 * 2
_SIZE_MARGIN = 1.25
_HEADER_MARGIN = 64 * 1024


def max_recording_bytes(record_max_seconds: int) -> int:
    """The largest body a recording of at most ``record_max_seconds`` can be, with margin.

    A download stops reading past this, so a hostile or broken server cannot fill
    the worker's memory or the disk."""
    return int(record_max_seconds * TELEPHONE_WAV_BYTES_PER_SECOND * _SIZE_MARGIN
               ) + _HEADER_MARGIN


def inside(base_dir: Path, relative: Path) -> Path:
    """``base_dir / relative``, refusing any path that resolves outside it."""
    root = base_dir.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root) or target == root:
        raise ValueError(f"stored file path {relative} is outside its folder")
    return target


def write_durably(base_dir: Path, relative: Path, data: bytes) -> None:
    """Write ``data`` to ``base_dir / relative``: all of it or nothing (fsync, then rename)."""
    target = inside(base_dir, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)


def get_recording(session: Session, recording_id: int) -> Recording:
    recording = session.get(Recording, recording_id)
    if recording is None:
        raise LookupError(f"recording {recording_id} does not exist")
    return recording


def store_recording(
    session: Session, recording_id: int, data: bytes, content_type: str, recordings_dir: Path
) -> Recording:
    """Write the audio under ``recordings_dir`` with its sha256 and publish
    :class:`~tickets.events.RecordingStored`; a second call changes nothing.

    ``content_type`` is what the server declared; the bytes decide. Raises
    :class:`~media.audio_check.NotAudio`, writing nothing, when ``data`` is empty
    or not audio."""
    recording = get_recording(session, recording_id)
    if recording.status is RecordingStatus.STORED:
        return recording
    with timing.stage("audio_check"):
        info = audio_check.inspect(data, content_type)
    created = recording.created_at or utcnow()
    # Named by the server (ticket number, row id), never by RecordingSid or the URL.
    name = f"{recording.ticket.number}-{recording.id}{info.format.extension}"
    relative = Path(f"{created:%Y/%m}") / name
    write_durably(recordings_dir, relative, data)

    recording.path = relative.as_posix()
    recording.content_type = info.format.content_type
    recording.sha256 = hashlib.sha256(data).hexdigest()
    recording.size_bytes = len(data)
    # Measured from the content; Twilio's RecordingDuration is a claim, not a fallback.
    recording.duration_seconds = info.duration_seconds
    recording.status = RecordingStatus.STORED
    recording.stored_at = utcnow()
    recording.error = None
    recording.lease_owner = recording.lease_until = None  # free for its transcription
    session.flush()
    events.publish(session, events.RecordingStored(recording.id))
    return recording


def record_download_failure(
    session: Session, recording_id: int, error: str, *, permanent: bool, tz: str,
    not_audio: bool = False,
) -> Recording:
    """Note a failed download (its claim counted the attempt); a permanent one hands the
    ticket to an agent as it is.

    ``error`` is Indonesian: operators read it on the ticket. ``not_audio``: a body was
    read and holds no sound, so the length Twilio's webhook claimed is dropped."""
    recording = get_recording(session, recording_id)
    if recording.status is RecordingStatus.STORED:
        return recording
    recording.error = error
    if not_audio:
        recording.duration_seconds = None
    note = reopening_notes.note_for_recording(session, recording_id) if permanent else None
    if note is not None:
        recording.status = RecordingStatus.FAILED
        reopening_notes.download_failed(session, note, error)
    elif permanent:
        recording.status = RecordingStatus.FAILED
        ticket = recording.ticket
        ticket.transcription_status = TranscriptionStatus.FAILED
        ticket.transcription_error = f"Rekaman {Reason.NOT_DOWNLOADED.text(detail=error)}"
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
    ticket = desk_ticket(session, user, number, version, tz)
    recording = next((r for r in ticket.recordings if r.id == recording_id), None)
    if recording is None or recording.status is not RecordingStatus.FAILED:
        raise IllegalTransition("Hanya rekaman yang gagal diunduh yang dapat diunduh ulang.")
    recording.status = RecordingStatus.PENDING
    recording.download_attempts, recording.error = 0, None
    recording.lease_owner = recording.lease_until = None
    note = reopening_notes.note_for_recording(session, recording.id)
    if note is not None:
        reopening_notes.download_retried(note)
    elif ticket.transcript is None:
        ticket.transcription_status = TranscriptionStatus.PENDING
        ticket.transcription_error = None
    record_event(session, ticket, Actor.of(user), "edit", "Rekaman diunduh ulang.")
    concurrency.flush(session, ticket, tz)
    events.publish(session, events.RecordingFiled(recording.id))
    return recording


def recording_path(recordings_dir: Path, recording: Recording) -> Path | None:
    """The stored file, or None; a stored path that leads outside ``recordings_dir``
    (a row written before names were the server's own) is None too."""
    if recording.status is not RecordingStatus.STORED or not recording.path:
        return None
    try:
        return inside(recordings_dir, Path(recording.path))
    except ValueError:
        return None


def stored_format(path: Path) -> AudioFormat | None:
    """The audio format a stored file's own first bytes announce, None if not audio.

    The console serves a recording with this type, whatever type was recorded for it."""
    with open(path, "rb") as fh:
        return audio_check.sniff(fh.read(64))
