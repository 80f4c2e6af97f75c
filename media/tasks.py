"""The media pipeline's tasks: fetch a call recording or a message's media, store it,
transcribe it on the ``speech`` queue, delete it at Twilio, and the sweep that hands on
work nobody holds. They take ids, run each step in one transaction (:mod:`jobs`), and
are safe to run twice (leases: media.work, media.attachments)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import shared_task
from sqlalchemy.orm import Session

from jobs import HotlineTask, TaskRuntime
from media import attachments, recordings, transcripts, work
from media.audio_check import NotAudio
from messaging.models import Attachment
from tickets import events
from tickets.clock import utcnow
from tickets.db import after_commit
from tickets.models import Recording, RecordingStatus
from tickets.reference import hotline_settings
from twilio_edge import fetch, twilio_ids
from twilio_edge import recordings as twilio_recordings

log = logging.getLogger(__name__)

DOWNLOAD_RETRIES = 8
# An empty body (0 bytes, a WAV header without samples) may be a file Twilio has not
# finished: two quick retries, then it is a failed recording an operator follows up.
EMPTY_RETRIES = 2
EMPTY_BACKOFF_SECONDS = 5
TRANSCRIBE_RETRIES = 4
DB_RETRIES = 5


def _download_filed(session: Session, event: events.RecordingFiled) -> None:
    after_commit(session, lambda: download_recording.delay(event.recording_id))


def _transcribe_stored(session: Session, event: events.RecordingStored) -> None:
    after_commit(session, lambda: transcribe.delay(event.recording_id))


def subscribe(dispatcher: events.Dispatcher) -> None:
    dispatcher.subscribe(events.RecordingFiled, _download_filed)
    dispatcher.subscribe(events.RecordingStored, _transcribe_stored)
    dispatcher.subscribe(events.AttachmentFiled, _download_attachment_filed)
    dispatcher.subscribe(events.AttachmentStored, _transcribe_attachment_stored)


def fetch_policy(settings: Any) -> twilio_recordings.FetchPolicy:
    """Recordings come from Twilio's API origin only; in development also from loopback,
    where the call simulator serves them."""
    return twilio_recordings.FetchPolicy(
        api_base=settings.twilio_api_base or twilio_recordings.TWILIO_API_BASE,
        allow_loopback=settings.env == "development",
        account_sid=settings.twilio_account_sid,
    )


def _record_max_seconds(session: Session, settings: Any) -> int:
    """The longest recording the IVR may have asked for (the console can raise it)."""
    try:
        edited = int(hotline_settings(session, settings.hotline_defaults())["record_max_seconds"])
    except (KeyError, ValueError):
        edited = 0
    return max(settings.record_max_seconds, edited)


@shared_task(bind=True, base=HotlineTask, name="hotline.download_recording",
             max_retries=DOWNLOAD_RETRIES)
def download_recording(self: HotlineTask, recording_id: int, empty_tries: int = 0) -> None:
    settings = self.runtime.settings
    owner = self.owner()
    with self.transaction() as session:
        if not work.claim_download(session, recording_id, owner):
            return  # stored already, or another worker has it
        recording = session.get_one(Recording, recording_id)
        url = recording.source_url or ""
        max_bytes = recordings.max_recording_bytes(_record_max_seconds(session, settings))
    # No database transaction stays open while the download waits on the network.
    try:
        audio = twilio_recordings.download(
            url, settings.twilio_account_sid, settings.twilio_auth_token,
            policy=fetch_policy(settings), max_bytes=max_bytes,
        )
    except twilio_recordings.DownloadError as exc:
        last_try = self.request.retries >= self.max_retries
        retry = exc.transient and not last_try
        countdown = self.backoff()
        with self.transaction() as session:
            recordings.record_download_failure(
                session, recording_id, str(exc), permanent=not retry, tz=settings.timezone)
            if retry:  # the sweep leaves it to this chain while the retry waits
                work.hold_until(session, recording_id, owner,
                                utcnow() + timedelta(seconds=countdown) + work.DOWNLOAD_LEASE)
            else:
                work.release(session, recording_id, owner)
        if retry:
            raise self.retry(countdown=countdown, exc=exc) from exc
        log.warning("recording %s could not be downloaded: %s", recording_id, exc)
        return
    try:
        with self.transaction() as session:
            # Publishes RecordingStored: transcription is enqueued once this commits.
            recordings.store_recording(
                session, recording_id, audio.data, audio.content_type, settings.recordings_dir
            )
    except NotAudio as exc:
        again = (exc.empty and empty_tries < EMPTY_RETRIES
                 and self.request.retries < self.max_retries)
        reason = exc.reason if not exc.empty else (
            f"{exc.reason}, {empty_tries + 1} kali diunduh")
        countdown = EMPTY_BACKOFF_SECONDS * (empty_tries + 1)
        with self.transaction() as session:
            recordings.record_download_failure(session, recording_id, reason,
                                               permanent=not again, tz=settings.timezone,
                                               not_audio=True)
            if again:
                work.hold_until(session, recording_id, owner,
                                utcnow() + timedelta(seconds=countdown) + work.DOWNLOAD_LEASE)
            else:
                work.release(session, recording_id, owner)
        if again:
            raise self.retry(countdown=countdown, kwargs={"empty_tries": empty_tries + 1},
                             exc=exc) from exc
        log.warning("recording %s is not usable audio: %s", recording_id, reason)
        return
    if settings.media.delete_twilio_recordings:
        delete_twilio_recording.delay(recording_id)


@shared_task(bind=True, base=HotlineTask, name="hotline.delete_twilio_recording",
             max_retries=5)
def delete_twilio_recording(self: HotlineTask, recording_id: int) -> None:
    settings = self.runtime.settings
    with self.transaction() as session:
        recording = session.get(Recording, recording_id)
        if recording is None or recording.status is not RecordingStatus.STORED:
            return
        url = recording.source_url or ""
    try:
        twilio_recordings.delete(url, settings.twilio_account_sid, settings.twilio_auth_token,
                                 policy=fetch_policy(settings))
    except twilio_recordings.DownloadError as exc:
        if exc.transient:
            raise self.retry(countdown=self.backoff(60), exc=exc) from exc
        log.warning("recording %s could not be deleted from Twilio: %s", recording_id, exc)


_ENGINES: dict[int, Any] = {}


def speech_engine(runtime: TaskRuntime) -> Any:
    """One engine per worker process: loading a model is the expensive part."""
    engine = _ENGINES.get(id(runtime))
    if engine is None:
        engine = _ENGINES[id(runtime)] = runtime.settings.speech.load_engine()
    return engine


AUDIO_REASONS = {
    "empty": "rekaman kosong",
    "silent": "rekaman tidak berisi suara",
    "corrupt": "berkas rekaman rusak atau tidak dapat dibaca",
    "too_long": "rekaman terlalu panjang untuk ditranskripsi otomatis",
    "unsupported": "format rekaman tidak didukung",
}


EXHAUSTED = "dicoba {n} kali tanpa hasil (pekerja transkripsi berhenti di tengah jalan)"


@shared_task(bind=True, base=HotlineTask, name="speech.transcribe",
             max_retries=TRANSCRIBE_RETRIES, acks_late=True)
def transcribe(self: HotlineTask, recording_id: int) -> None:
    settings = self.runtime.settings
    tz = settings.timezone
    owner = self.owner()
    with self.transaction() as session:
        recording = session.get(Recording, recording_id)
        if recording is None or not transcripts.awaits_transcript(session, recording_id):
            return
        path = recordings.recording_path(settings.recordings_dir, recording)
        if path is None:
            return  # not downloaded yet; storing it enqueues us again
        if settings.speech.engine == "none":
            transcripts.mark_transcription_manual(session, recording_id, tz=tz)
            return
        claim = work.claim_transcription(session, recording, owner)
        if claim is work.Claim.EXHAUSTED:
            transcripts.mark_transcription_failed(
                session, recording_id, EXHAUSTED.format(n=work.MAX_TRANSCRIBE_ATTEMPTS), tz=tz)
            return
        if claim is work.Claim.BUSY:
            return
    import speech

    try:
        with self.heartbeat(f"recording {recording_id}", work.renewal(recording_id, owner),
                            work.HEARTBEAT):
            result = speech_engine(self.runtime).transcribe(path)
    except speech.AudioError as exc:
        reason = AUDIO_REASONS.get(exc.reason, exc.reason)
        with self.transaction() as session:
            transcripts.mark_transcription_failed(session, recording_id, reason, tz=tz)
            work.release(session, recording_id, owner)
        return
    except speech.EngineError as exc:
        if exc.transient and self.request.retries < self.max_retries:
            countdown = self.backoff(10)
            with self.transaction() as session:
                work.hold_until(session, recording_id, owner,
                                utcnow() + timedelta(seconds=countdown) + work.TRANSCRIBE_LEASE)
            raise self.retry(countdown=countdown, exc=exc) from exc
        with self.transaction() as session:
            transcripts.mark_transcription_failed(
                session, recording_id, f"mesin transkripsi gagal: {exc}", tz=tz
            )
            work.release(session, recording_id, owner)
        return
    with self.transaction() as session:
        transcripts.store_transcript(session, recording_id, result.to_dict(), tz=tz)
        work.release(session, recording_id, owner)


@shared_task(bind=True, base=HotlineTask, name="media.sweep")
def sweep(self: HotlineTask) -> dict[str, int]:
    """Hand media work nobody holds to a worker (a lost queue message, a killed worker, a
    broker that was down when the work was queued): recordings and message media."""
    with self.transaction() as session:
        downloads = work.downloads_to_rescue(session)
        pending = work.transcriptions_to_rescue(session)
        media_downloads, voice_notes = attachments.to_rescue(session)
    for recording_id in downloads:
        download_recording.delay(recording_id)
    for recording_id in pending:
        transcribe.delay(recording_id)
    for attachment_id in media_downloads:
        download_attachment.delay(attachment_id)
    for attachment_id in voice_notes:
        transcribe_attachment.delay(attachment_id)
    return {"downloads": len(downloads), "transcripts": len(pending),
            "media": len(media_downloads), "voice_notes": len(voice_notes)}


# Message media: a voice note, a photo.
MEDIA_DOWNLOAD_RETRIES = 6
VOICE_NOTE_RETRIES = 3


def _download_attachment_filed(session: Session, event: events.AttachmentFiled) -> None:
    after_commit(session, lambda: download_attachment.delay(event.attachment_id))


def _transcribe_attachment_stored(session: Session, event: events.AttachmentStored) -> None:
    after_commit(session, lambda: transcribe_attachment.delay(event.attachment_id))


def _source(url: str, loopback: bool) -> twilio_ids.MediaUrl:
    try:
        return twilio_ids.media_url(url, any_path_on_loopback=loopback)
    except twilio_ids.InvalidTwilioValue as exc:
        raise fetch.DownloadError(f"alamat lampiran tidak sah ({exc})", transient=False) from None


@shared_task(bind=True, base=HotlineTask, name="hotline.download_attachment",
             max_retries=MEDIA_DOWNLOAD_RETRIES)
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


def _transcribe(runtime: TaskRuntime, path: object) -> tuple[str, list[dict[str, object]]]:
    result = speech_engine(runtime).transcribe(path).to_dict()
    return str(result.get("text", "")), list(result.get("words", []))


@shared_task(bind=True, base=HotlineTask, name="speech.transcribe_attachment",
             max_retries=VOICE_NOTE_RETRIES, acks_late=True)
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
        if settings.speech.engine == "none":
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
