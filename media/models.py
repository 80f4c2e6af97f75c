"""The media pipeline's own table: a message's media (a voice note, a photo).

A call recording is a row of ``recordings`` (``tickets.models.Recording``); an
:class:`Attachment` is its counterpart for media sent by SMS or WhatsApp, and goes
through the same pipeline (:mod:`media.work`, :mod:`media.policy`): the same file
lifecycle (``RecordingStatus``: pending, stored, failed), the same transcription
statuses (``TranscriptionStatus``), the same lease columns and one attempt counter per
stage. An attachment belongs to an inbound message (``inbound_messages``, owned by
``messaging``); the media pipeline only names that table, and tells messaging what
became of an attachment by domain events (``AttachmentFailed``, ``AttachmentResolved``).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tickets.clock import utcnow
from tickets.db import Base, enum_column
from tickets.models import RecordingStatus, TranscriptionStatus

# One file lifecycle for both kinds of media: to be downloaded, stored, or failed for good.
AttachmentStatus = RecordingStatus


class AttachmentKind(enum.StrEnum):
    AUDIO = "audio"  # a voice note
    IMAGE = "image"  # a photo


class Attachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("message_id", "media_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"))
    media_index: Mapped[int] = mapped_column(Integer)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[AttachmentKind] = mapped_column(enum_column(AttachmentKind, "attachment_kind"))
    source_url: Mapped[str] = mapped_column(String(500))
    declared_type: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[RecordingStatus] = mapped_column(
        enum_column(RecordingStatus, "attachment_status"), default=RecordingStatus.PENDING)
    # Relative to RECORDINGS_DIR; named by the server.
    path: Mapped[str | None] = mapped_column(String(500))
    content_type: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    # A photo: none. A voice note: pending until transcribed, then done, failed or manual.
    transcript_status: Mapped[TranscriptionStatus] = mapped_column(
        enum_column(TranscriptionStatus, "transcription_status"),
        default=TranscriptionStatus.NONE)
    transcript: Mapped[str | None] = mapped_column(Text)
    # Word timings of the transcript (speech engine output), for the console's player.
    transcript_words: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    # Each stage counts its own attempts (media.policy): a download that needed retries
    # takes nothing from the voice note's transcription.
    download_attempts: Mapped[int] = mapped_column(Integer, default=0)
    transcribe_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Who works on this attachment now (its download, then its transcription) and until
    # when (media.work).
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    stored_at: Mapped[datetime | None] = mapped_column(DateTime)
