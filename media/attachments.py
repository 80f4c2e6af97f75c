"""Keeping a message's media: the stored file, its kind checked by its bytes, the voice
note's transcript, and who works on it now (leases, as for recordings in media.work).

A declared ``MediaContentType`` is a claim: a body is kept only when its own first bytes
say it is what was accepted (a voice note is audio, a photo is JPEG, PNG or WebP). The
file is named by the server (``msg-<id>``) under RECORDINGS_DIR, with its sha256.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from media import audio_check
from media.recordings import inside, write_durably
from messaging import filing
from messaging.models import Attachment, AttachmentKind, AttachmentStatus
from tickets import events
from tickets.clock import utcnow

DOWNLOAD_LEASE = timedelta(minutes=1)
# A voice note is short (WhatsApp records minutes at most); its lease outlasts the
# longest transcription the speech settings allow without a heartbeat.
TRANSCRIBE_LEASE = timedelta(minutes=10)
MAX_TRANSCRIBE_ATTEMPTS = 3
UNCLAIMED_GRACE = timedelta(seconds=60)


@dataclass(frozen=True)
class MediaFormat:
    extension: str
    content_type: str


JPEG = MediaFormat(".jpg", "image/jpeg")
PNG = MediaFormat(".png", "image/png")
WEBP = MediaFormat(".webp", "image/webp")
AMR = MediaFormat(".amr", "audio/amr")
MP4 = MediaFormat(".m4a", "audio/mp4")


class NotAccepted(ValueError):
    """The body is not what may be kept; ``reason`` is Indonesian (told to the reporter)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def image_format(head: bytes) -> MediaFormat | None:
    if head[:3] == b"\xff\xd8\xff":
        return JPEG
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return PNG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def _audio_format(data: bytes, declared: str | None) -> tuple[MediaFormat, float | None]:
    if data[:6] == b"#!AMR\n":
        return AMR, None
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return MP4, None
    try:
        info = audio_check.inspect(data, declared)
    except audio_check.NotAudio as exc:
        raise NotAccepted(f"pesan suara tidak berisi audio yang dapat diputar ({exc.reason})"
                          ) from None
    return MediaFormat(info.format.extension, info.format.content_type), info.duration_seconds


def classify(kind: AttachmentKind, data: bytes, declared: str | None
             ) -> tuple[MediaFormat, float | None]:
    """What the bytes are, or NotAccepted."""
    if not data:
        raise NotAccepted("berkas kosong")
    if kind is AttachmentKind.IMAGE:
        found = image_format(data[:16])
        if found is None:
            raise NotAccepted("bukan foto JPEG, PNG atau WebP")
        return found, None
    return _audio_format(data, declared)


def store(session: Session, attachment_id: int, data: bytes, declared: str | None,
          media_dir: Path) -> Attachment:
    """Write the file and its sha256; a voice note is then queued for transcription.
    Raises NotAccepted (writing nothing) when the bytes are not what was accepted."""
    attachment = session.get_one(Attachment, attachment_id)
    if attachment.status is AttachmentStatus.STORED:
        return attachment
    found, duration = classify(attachment.kind, data, declared)
    created = attachment.created_at or utcnow()
    relative = Path(f"{created:%Y/%m}") / f"msg-{attachment.id}{found.extension}"
    write_durably(media_dir, relative, data)
    attachment.path = relative.as_posix()
    attachment.content_type = found.content_type
    attachment.sha256 = hashlib.sha256(data).hexdigest()
    attachment.size_bytes = len(data)
    attachment.duration_seconds = duration
    attachment.status = AttachmentStatus.STORED
    attachment.stored_at = utcnow()
    attachment.attempts += 1
    attachment.error = None
    attachment.lease_owner = attachment.lease_until = None
    session.flush()
    if attachment.kind is AttachmentKind.AUDIO:
        events.publish(session, events.AttachmentStored(attachment.id))
    return attachment


def record_failure(session: Session, attachment_id: int, error: str, *, permanent: bool,
                   tz: str) -> Attachment:
    """Count a failed download; a permanent one is told to the reporter, and a voice
    note without its file counts as resolved (the ticket's text goes on without it)."""
    attachment = session.get_one(Attachment, attachment_id)
    if attachment.status is not AttachmentStatus.PENDING:
        return attachment
    attachment.attempts += 1
    attachment.error = error
    if permanent:
        attachment.status = AttachmentStatus.FAILED
        if attachment.kind is AttachmentKind.AUDIO:
            attachment.transcript_status = "failed"
        session.flush()
        filing.attachment_failed(session, attachment)
        filing.attachment_resolved(session, attachment, tz=tz)
    session.flush()
    return attachment


def stored_type(path: Path) -> str | None:
    """The type a stored file's own first bytes announce (the console serves it so)."""
    with open(path, "rb") as fh:
        head = fh.read(64)
    image = image_format(head)
    if image is not None:
        return image.content_type
    if head[:6] == b"#!AMR\n":
        return AMR.content_type
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return MP4.content_type
    audio = audio_check.sniff(head)
    return audio.content_type if audio else None


def stored_path(media_dir: Path, attachment: Attachment) -> Path | None:
    if attachment.status is not AttachmentStatus.STORED or not attachment.path:
        return None
    try:
        return inside(media_dir, Path(attachment.path))
    except ValueError:
        return None


def transcribed(session: Session, attachment_id: int, text: str | None, *, tz: str,
                status: str = "done", error: str | None = None,
                words: list[dict[str, object]] | None = None) -> Attachment:
    """A voice note's transcript (or its failure, or ``manual``): a second call keeps
    the first."""
    attachment = session.get_one(Attachment, attachment_id)
    if attachment.transcript_status != "pending":
        return attachment
    attachment.transcript_status, attachment.transcript = status, text
    attachment.transcript_words = [dict(w) for w in words] if words else None
    attachment.error = error
    attachment.lease_owner = attachment.lease_until = None
    session.flush()
    filing.attachment_resolved(session, attachment, tz=tz)
    return attachment


# --- leases ------------------------------------------------------------------------------

def _free(owner: str, now: datetime):  # type: ignore[no-untyped-def]
    return or_(Attachment.lease_until.is_(None), Attachment.lease_until < now,
               Attachment.lease_owner == owner)


def _claim(session: Session, condition, values: dict[str, object]) -> bool:  # type: ignore[no-untyped-def]
    result = session.execute(update(Attachment).where(condition).values(**values)
                             .execution_options(synchronize_session=False))
    return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def claim_download(session: Session, attachment_id: int, owner: str,
                   now: datetime | None = None) -> bool:
    now = now or utcnow()
    return _claim(session, and_(Attachment.id == attachment_id,
                                Attachment.status == AttachmentStatus.PENDING, _free(owner, now)),
                  {"lease_owner": owner, "lease_until": now + DOWNLOAD_LEASE})


def claim_transcription(session: Session, attachment_id: int, owner: str,
                        now: datetime | None = None) -> bool | None:
    """True: ours; False: busy or done; None: out of attempts (mark it failed)."""
    now = now or utcnow()
    base = and_(Attachment.id == attachment_id, Attachment.status == AttachmentStatus.STORED,
                Attachment.transcript_status == "pending", _free(owner, now))
    if _claim(session, and_(base, Attachment.attempts < MAX_TRANSCRIBE_ATTEMPTS + 1),
              {"lease_owner": owner, "lease_until": now + TRANSCRIBE_LEASE,
               "attempts": Attachment.attempts + 1}):
        return True
    exhausted = session.scalar(select(Attachment.id).where(base))
    return None if exhausted is not None else False


def hold_until(session: Session, attachment_id: int, owner: str, until: datetime) -> None:
    session.execute(update(Attachment).where(Attachment.id == attachment_id,
                                             Attachment.lease_owner == owner)
                    .values(lease_until=until).execution_options(synchronize_session=False))


def release(session: Session, attachment_id: int, owner: str) -> None:
    hold_until(session, attachment_id, owner, utcnow() - timedelta(seconds=1))


def to_rescue(session: Session, now: datetime | None = None) -> tuple[list[int], list[int]]:
    """Downloads and transcriptions nobody works on (a lost message, a dead worker)."""
    now = now or utcnow()

    def unclaimed(since):  # type: ignore[no-untyped-def]
        return or_(Attachment.lease_until < now,
                   and_(Attachment.lease_until.is_(None), since < now - UNCLAIMED_GRACE))

    downloads = list(session.scalars(select(Attachment.id).where(
        Attachment.status == AttachmentStatus.PENDING, unclaimed(Attachment.created_at))))
    transcripts = list(session.scalars(select(Attachment.id).where(
        Attachment.status == AttachmentStatus.STORED, Attachment.transcript_status == "pending",
        unclaimed(Attachment.stored_at))))
    return downloads, transcripts
