"""Keeping a message's media: the stored file, its kind checked by its bytes, and the
voice note's transcript. Who works on it now (leases, attempts) is :mod:`media.work`,
the same as for recordings.

A declared ``MediaContentType`` is a claim: a body is kept only when its own first bytes
say it is what was accepted (a voice note is audio, a photo is JPEG, PNG or WebP). The
file is named by the server (``msg-<id>``) under RECORDINGS_DIR, with its sha256. What
became of an attachment is told to messaging by domain events (``AttachmentFailed``,
``AttachmentResolved``), never by a call into it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from media import audio_check
from media.models import Attachment, AttachmentKind, AttachmentStatus
from media.recordings import inside, write_durably
from tickets import events
from tickets.clock import utcnow
from tickets.models import TranscriptionStatus


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
    """The body is not what may be kept; ``reason`` is Indonesian (told to the reporter).
    ``empty``: no sound or no bytes at all, which may be a file not finished yet (worth a
    quick retry, as for recordings)."""

    def __init__(self, reason: str, *, empty: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.empty = empty


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
        raise NotAccepted(f"pesan suara tidak berisi audio yang dapat diputar ({exc.reason})",
                          empty=exc.empty) from None
    return MediaFormat(info.format.extension, info.format.content_type), info.duration_seconds


def classify(kind: AttachmentKind, data: bytes, declared: str | None
             ) -> tuple[MediaFormat, float | None]:
    """What the bytes are, or NotAccepted."""
    if not data:
        raise NotAccepted("berkas kosong", empty=True)
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
    attachment.error = None
    attachment.lease_owner = attachment.lease_until = None
    session.flush()
    if attachment.kind is AttachmentKind.AUDIO:
        events.publish(session, events.AttachmentStored(attachment.id))
    return attachment


def record_failure(session: Session, attachment_id: int, error: str, *,
                   permanent: bool) -> Attachment:
    """Note a failed download (its claim counted the attempt); a permanent one is told to
    the reporter, and a voice note without its file counts as resolved (the ticket's
    text goes on without it)."""
    attachment = session.get_one(Attachment, attachment_id)
    if attachment.status is not AttachmentStatus.PENDING:
        return attachment
    attachment.error = error
    if permanent:
        attachment.status = AttachmentStatus.FAILED
        if attachment.kind is AttachmentKind.AUDIO:
            attachment.transcript_status = TranscriptionStatus.FAILED
        session.flush()
        events.publish(session, events.AttachmentFailed(attachment.id))
        events.publish(session, events.AttachmentResolved(attachment.id))
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


def transcribed(session: Session, attachment_id: int, text: str | None, *,
                status: TranscriptionStatus = TranscriptionStatus.DONE, error: str | None = None,
                words: list[dict[str, object]] | None = None) -> Attachment:
    """A voice note's transcript (or its failure, or ``manual``): a second call keeps
    the first."""
    attachment = session.get_one(Attachment, attachment_id)
    if attachment.transcript_status is not TranscriptionStatus.PENDING:
        return attachment
    attachment.transcript_status, attachment.transcript = status, text
    attachment.transcript_words = [dict(w) for w in words] if words else None
    attachment.error = error
    session.flush()
    events.publish(session, events.AttachmentResolved(attachment.id))
    return attachment
