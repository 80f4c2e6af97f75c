"""Who works on a piece of media now: leases for its download and its transcription, the
same for a call recording and a message's media.

A job claims its row with one conditional UPDATE before doing anything, so of two
chains of the same job (a retry and the sweep's rescue, or a message delivered twice)
only one works at a time, and nothing writes the same file or transcribes twice. Each
claim counts an attempt of its stage (``download_attempts``, ``transcribe_attempts``)
and is refused once the stage's attempts (:mod:`media.policy`) are spent: then the
caller marks the stage failed with the reason. A worker killed mid-job (SIGKILL, the OOM
killer) holds its lease only until it runs out (a job renews its short lease while it
works, see ``renewal``); then the sweep hands the work to another worker, so recovery
after a fault takes about a lease plus a sweep interval, not the broker's visibility
timeout.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from media import policy, reopening_notes
from media.models import Attachment
from tickets.clock import utcnow
from tickets.models import Recording, RecordingStatus, Ticket, TranscriptionStatus


class Claim(Enum):
    GRANTED = "granted"
    BUSY = "busy"            # another worker holds it, or there is nothing left to do
    EXHAUSTED = "exhausted"  # the stage was attempted too often: mark it failed


Media = type[Recording] | type[Attachment]


class Work:
    """The leases of one kind of media (``RECORDINGS``, ``ATTACHMENTS``): both tables
    have ``status``, ``lease_owner``, ``lease_until``, ``download_attempts`` and
    ``transcribe_attempts``; ``awaiting`` says in SQL whether a row's transcript is due."""

    def __init__(self, model: Media, awaiting: Callable[[], ColumnElement[bool]]) -> None:
        self.model = model
        self.awaiting = awaiting

    def _free(self, owner: str, now: datetime) -> ColumnElement[bool]:
        m = self.model
        return or_(m.lease_until.is_(None), m.lease_until < now, m.lease_owner == owner)

    def _claim(self, item_id: int, owner: str, now: datetime, due: ColumnElement[bool],
               counter: InstrumentedAttribute[int], stage: policy.Stage,
               session: Session) -> Claim:
        m = self.model
        base = and_(m.id == item_id, due, self._free(owner, now))
        claimed = session.execute(
            update(m).where(base, counter < stage.max_attempts)
            .values({m.lease_owner: owner, m.lease_until: now + policy.LEASE,
                     counter: counter + 1})
            .execution_options(synchronize_session=False))
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return Claim.GRANTED
        # Free, still due, but out of attempts: the caller marks the stage failed.
        exhausted = session.scalar(select(m.id).where(base, counter >= stage.max_attempts))
        return Claim.EXHAUSTED if exhausted is not None else Claim.BUSY

    def claim_download(self, session: Session, item_id: int, owner: str,
                       now: datetime | None = None) -> Claim:
        """Take the download of a pending row, counting the attempt."""
        m = self.model
        return self._claim(item_id, owner, now or utcnow(),
                           m.status == RecordingStatus.PENDING,
                           m.download_attempts, policy.DOWNLOAD, session)

    def claim_transcription(self, session: Session, item_id: int, owner: str,
                            now: datetime | None = None) -> Claim:
        """Take the transcription of a stored row whose transcript is due, counting the
        attempt."""
        m = self.model
        return self._claim(item_id, owner, now or utcnow(),
                           and_(m.status == RecordingStatus.STORED, self.awaiting()),
                           m.transcribe_attempts, policy.TRANSCRIPTION, session)

    def attempts(self, session: Session, item_id: int, stage: policy.Stage) -> int:
        """How often ``stage`` has been attempted (the current attempt included)."""
        m = self.model
        counter = m.download_attempts if stage is policy.DOWNLOAD else m.transcribe_attempts
        return session.scalar(select(counter).where(m.id == item_id)) or 0

    def hold_until(self, session: Session, item_id: int, owner: str, until: datetime) -> None:
        """Keep the lease (while a retry of the same job waits out its backoff)."""
        m = self.model
        session.execute(update(m).where(m.id == item_id, m.lease_owner == owner)
                        .values({m.lease_until: until})
                        .execution_options(synchronize_session=False))

    def renewal(self, item_id: int, owner: str) -> Callable[[Session], None]:
        """What a working job's heartbeat does each beat: hold the lease one more
        ``LEASE`` (``jobs.HotlineTask.heartbeat``)."""
        def renew(session: Session) -> None:
            self.hold_until(session, item_id, owner, utcnow() + policy.LEASE)
        return renew

    def release(self, session: Session, item_id: int, owner: str) -> None:
        """The job is over (done, or failed for good): nobody holds the row."""
        m = self.model
        session.execute(update(m).where(m.id == item_id, m.lease_owner == owner)
                        .values({m.lease_owner: None, m.lease_until: None})
                        .execution_options(synchronize_session=False))

    def _unclaimed(self, since: Any, now: datetime) -> ColumnElement[bool]:
        m = self.model
        return or_(m.lease_until < now,
                   and_(m.lease_until.is_(None), since < now - policy.UNCLAIMED_GRACE))

    def downloads_to_rescue(self, session: Session, now: datetime | None = None) -> list[int]:
        """Pending downloads nobody works on: a lost queue message, a dead worker."""
        now = now or utcnow()
        m = self.model
        return list(session.scalars(select(m.id).where(
            m.status == RecordingStatus.PENDING, self._unclaimed(m.created_at, now))
            .order_by(m.id)))

    def transcriptions_to_rescue(self, session: Session,
                                 now: datetime | None = None) -> list[int]:
        """Stored media whose transcript is due and nobody works on."""
        now = now or utcnow()
        m = self.model
        return list(session.scalars(select(m.id).where(
            m.status == RecordingStatus.STORED, self.awaiting(),
            self._unclaimed(m.stored_at, now)).order_by(m.id)))


def _recording_awaits() -> ColumnElement[bool]:
    # A complaint's recording waits on its ticket; a reopening's note on the reopening.
    complaint = select(Ticket.id).where(
        Ticket.id == Recording.ticket_id,
        Ticket.transcription_status == TranscriptionStatus.PENDING).exists()
    return or_(and_(complaint, ~reopening_notes.is_note()), reopening_notes.note_pending())


def _attachment_awaits() -> ColumnElement[bool]:
    return Attachment.transcript_status == TranscriptionStatus.PENDING


RECORDINGS = Work(Recording, _recording_awaits)
ATTACHMENTS = Work(Attachment, _attachment_awaits)
