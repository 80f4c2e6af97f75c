"""Celery tasks of complaints by message: download a message's media, transcribe a voice
note on the ``speech`` queue, and the sweep's share (rescue unclaimed work, file idle
conversations). Each step one transaction, safe to run twice (leases in
tickets.attachments)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from celery import shared_task
from sqlalchemy.orm import Session

from hotline.tasks import AUDIO_REASONS, HotlineTask, fetch_policy, speech_engine
from tickets import attachments, events, message_filing
from tickets.clock import utcnow
from tickets.db import after_commit
from tickets.message_models import Attachment
from twilio_edge import fetch, twilio_ids

if TYPE_CHECKING:
    from hotline.runtime import Runtime

log = logging.getLogger(__name__)

DOWNLOAD_RETRIES = 6
TRANSCRIBE_RETRIES = 3


def _download_filed(session: Session, event: events.AttachmentFiled) -> None:
    after_commit(session, lambda: download_attachment.delay(event.attachment_id))


def _transcribe_stored(session: Session, event: events.AttachmentStored) -> None:
    after_commit(session, lambda: transcribe_attachment.delay(event.attachment_id))


def subscribe(dispatcher: events.Dispatcher) -> None:
    dispatcher.subscribe(events.AttachmentFiled, _download_filed)
    dispatcher.subscribe(events.AttachmentStored, _transcribe_stored)


def _source(url: str, loopback: bool) -> twilio_ids.MediaUrl:
    try:
        return twilio_ids.media_url(url, any_path_on_loopback=loopback)
    except twilio_ids.InvalidTwilioValue as exc:
        raise fetch.DownloadError(f"alamat lampiran tidak sah ({exc})", transient=False) from None


@shared_task(bind=True, base=HotlineTask, name="hotline.download_attachment",
             max_retries=DOWNLOAD_RETRIES)
def download_attachment(self: HotlineTask, attachment_id: int) -> None:
    settings = self.runtime.settings
    owner = self.owner()
    policy = fetch_policy(settings)
    with self.transaction() as session:
        if not attachments.claim_download(session, attachment_id, owner):
            return
        attachment = session.get_one(Attachment, attachment_id)
        url, declared = attachment.source_url, attachment.declared_type
    try:
        source = _source(url, policy.allow_loopback)
        media = fetch.fetch(source.url, source, settings.twilio_account_sid,
                            settings.twilio_auth_token, policy=policy,
                            max_bytes=settings.messaging.media_max_bytes, what="lampiran")
        with self.transaction() as session:
            attachments.store(session, attachment_id, media.data, declared,
                              settings.recordings_dir)
    except (fetch.DownloadError, attachments.NotAccepted) as exc:
        transient = isinstance(exc, fetch.DownloadError) and exc.transient
        retry = transient and self.request.retries < self.max_retries
        countdown = self.backoff()
        with self.transaction() as session:
            attachments.record_failure(session, attachment_id, str(exc), permanent=not retry,
                                       tz=settings.timezone)
            if retry:
                attachments.hold_until(session, attachment_id, owner, utcnow() + timedelta(
                    seconds=countdown) + attachments.DOWNLOAD_LEASE)
            else:
                attachments.release(session, attachment_id, owner)
        if retry:
            raise self.retry(countdown=countdown, exc=exc) from exc
        log.warning("attachment %s not kept: %s", attachment_id, exc)


def _transcribe(runtime: Runtime, path: object) -> tuple[str, list[dict[str, object]]]:
    result = speech_engine(runtime).transcribe(path).to_dict()
    return str(result.get("text", "")), list(result.get("words", []))


@shared_task(bind=True, base=HotlineTask, name="speech.transcribe_attachment",
             max_retries=TRANSCRIBE_RETRIES, acks_late=True)
def transcribe_attachment(self: HotlineTask, attachment_id: int) -> None:
    settings = self.runtime.settings
    tz = settings.timezone
    owner = self.owner()
    with self.transaction() as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None or attachment.transcript_status != "pending":
            return
        path = attachments.stored_path(settings.recordings_dir, attachment)
        if path is None:
            return
        if settings.speech_engine == "none":
            attachments.transcribed(session, attachment_id, None, tz=tz, status="manual")
            return
        claim = attachments.claim_transcription(session, attachment_id, owner)
        if claim is None:
            attachments.transcribed(session, attachment_id, None, tz=tz, status="failed",
                                    error="dicoba berulang kali tanpa hasil")
            return
        if not claim:
            return
    import speech

    try:
        text, words = _transcribe(self.runtime, path)
    except speech.AudioError as exc:
        with self.transaction() as session:
            attachments.transcribed(session, attachment_id, None, tz=tz, status="failed",
                                    error=AUDIO_REASONS.get(exc.reason, exc.reason))
        return
    except speech.EngineError as exc:
        if exc.transient and self.request.retries < self.max_retries:
            raise self.retry(countdown=self.backoff(10), exc=exc) from exc
        with self.transaction() as session:
            attachments.transcribed(session, attachment_id, None, tz=tz, status="failed",
                                    error=f"mesin transkripsi gagal: {exc}")
        return
    with self.transaction() as session:
        attachments.transcribed(session, attachment_id, text, tz=tz, words=words)


def sweep_messages(runtime: Runtime) -> dict[str, int]:
    """The beat sweep's share: rescue unclaimed media work, file idle conversations."""
    with runtime.transaction() as session:
        downloads, transcripts = attachments.to_rescue(session)
        filed = message_filing.expire_idle(session, runtime.conversation_policy)
    for attachment_id in downloads:
        download_attachment.delay(attachment_id)
    for attachment_id in transcripts:
        transcribe_attachment.delay(attachment_id)
    return {"media": len(downloads), "voice_notes": len(transcripts), "idle_filed": filed}
