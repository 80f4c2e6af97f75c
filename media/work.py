"""Who works on a recording now: leases for its download and its transcription.

A job claims the recording with one conditional UPDATE before doing anything, so of two
chains of the same job (a retry and the sweep's rescue, or a message delivered twice)
only one works at a time, and nothing writes the same file or transcribes twice. A
worker killed mid-job (SIGKILL, the OOM killer) holds its lease only until it runs out
(a transcription renews its short lease while it works, see ``HEARTBEAT``);
then the sweep hands the work to another worker, so recovery after a fault takes about a
lease plus a sweep interval, not the broker's visibility timeout.

Transcription is attempted a bounded number of times: a recording that kills its worker
every time ends as "transkripsi gagal" with the reason, for an operator to handle.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from media import reopening_notes
from tickets.clock import utcnow
from tickets.models import Recording, RecordingStatus, Ticket, TranscriptionStatus

DOWNLOAD_LEASE = timedelta(minutes=1)
# A transcription's worker renews its lease every HEARTBEAT while it works, so however
# long the recording, a killed worker's job is free again within one lease.
TRANSCRIBE_LEASE = timedelta(seconds=45)
HEARTBEAT = timedelta(seconds=15)
MAX_TRANSCRIBE_ATTEMPTS = 3
# Work found with no lease this long after it became due has lost its queue message.
UNCLAIMED_GRACE = timedelta(seconds=60)


class Claim(Enum):
    GRANTED = "granted"
    BUSY = "busy"            # another worker holds it, or there is nothing left to do
    EXHAUSTED = "exhausted"  # transcription was attempted too often


def _free(owner: str, now: datetime):  # type: ignore[no-untyped-def]
    return or_(Recording.lease_until.is_(None), Recording.lease_until < now,
               Recording.lease_owner == owner)


def _claim(session: Session, condition, values: dict[str, object]) -> bool:  # type: ignore[no-untyped-def]
    result = session.execute(update(Recording).where(condition).values(**values)
                             .execution_options(synchronize_session=False))
    return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def claim_download(session: Session, recording_id: int, owner: str,
                   now: datetime | None = None) -> bool:
    now = now or utcnow()
    return _claim(session, and_(Recording.id == recording_id,
                                Recording.status == RecordingStatus.PENDING,
                                _free(owner, now)),
                  {"lease_owner": owner, "lease_until": now + DOWNLOAD_LEASE})


def hold_until(session: Session, recording_id: int, owner: str, until: datetime) -> None:
    """Keep the lease while a retry of the same job waits out its backoff."""
    session.execute(update(Recording).where(Recording.id == recording_id,
                                            Recording.lease_owner == owner)
                    .values(lease_until=until).execution_options(synchronize_session=False))


def renewal(recording_id: int, owner: str) -> Callable[[Session], None]:
    """What a transcription's heartbeat does each beat: hold the lease one more
    ``TRANSCRIBE_LEASE`` (``jobs.HotlineTask.heartbeat``)."""
    def renew(session: Session) -> None:
        hold_until(session, recording_id, owner, utcnow() + TRANSCRIBE_LEASE)
    return renew


def release(session: Session, recording_id: int, owner: str) -> None:
    session.execute(update(Recording).where(Recording.id == recording_id,
                                            Recording.lease_owner == owner)
                    .values(lease_owner=None, lease_until=None)
                    .execution_options(synchronize_session=False))


def claim_transcription(session: Session, recording: Recording, owner: str,
                        now: datetime | None = None) -> Claim:
    """Take the transcription of ``recording``, counting the attempt."""
    now = now or utcnow()
    # A complaint recording waits on its ticket; a reopening's note on the reopening.
    pending = or_(and_(select(Ticket.id).where(
        Ticket.id == Recording.ticket_id,
        Ticket.transcription_status == TranscriptionStatus.PENDING).exists(),
        ~reopening_notes.is_note()), reopening_notes.note_pending())
    base = and_(Recording.id == recording.id, Recording.status == RecordingStatus.STORED,
                pending, _free(owner, now))
    if _claim(session, and_(base, Recording.transcribe_attempts < MAX_TRANSCRIBE_ATTEMPTS),
              {"lease_owner": owner, "lease_until": now + TRANSCRIBE_LEASE,
               "transcribe_attempts": Recording.transcribe_attempts + 1}):
        return Claim.GRANTED
    # Free, still pending, but out of attempts: the caller marks it failed.
    exhausted = session.scalar(select(Recording.id).where(
        base, Recording.transcribe_attempts >= MAX_TRANSCRIBE_ATTEMPTS))
    return Claim.EXHAUSTED if exhausted is not None else Claim.BUSY


def _unclaimed(since: ColumnElement[Any], now: datetime) -> ColumnElement[bool]:
    return or_(Recording.lease_until < now,
               and_(Recording.lease_until.is_(None), since < now - UNCLAIMED_GRACE))


def downloads_to_rescue(session: Session, now: datetime | None = None) -> list[int]:
    """Pending downloads nobody works on: a lost queue message, a dead worker."""
    now = now or utcnow()
    return list(session.scalars(select(Recording.id).where(
        Recording.status == RecordingStatus.PENDING,
        _unclaimed(Recording.created_at.expression, now))))


def transcriptions_to_rescue(session: Session, now: datetime | None = None) -> list[int]:
    """Stored recordings whose ticket still waits for a transcript and nobody works on."""
    now = now or utcnow()
    complaints = session.scalars(
        select(Recording.id).join(Ticket, Recording.ticket_id == Ticket.id).where(
            Recording.status == RecordingStatus.STORED,
            Ticket.transcription_status == TranscriptionStatus.PENDING,
            ~reopening_notes.is_note(),
            _unclaimed(Recording.stored_at.expression, now)))
    notes = session.scalars(select(Recording.id).where(
        Recording.status == RecordingStatus.STORED, reopening_notes.note_pending(),
        _unclaimed(Recording.stored_at.expression, now)))
    return [*complaints, *notes]
