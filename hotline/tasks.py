"""Celery tasks. They take ids, open their own session, and are safe to run twice."""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import cache
from typing import Any

from celery import Task, shared_task
from sqlalchemy.orm import Session

from hotline.runtime import current_runtime
from hotline.settings import Settings
from ivr import recordings as twilio_recordings
from tickets import recordings, sweeps, transcripts
from tickets.audio_check import NotAudio
from tickets.catalog import hotline_settings
from tickets.models import Recording, RecordingStatus, TranscriptionStatus

log = logging.getLogger(__name__)

DOWNLOAD_RETRIES = 8
# An empty body (0 bytes, a WAV header without samples) may be a file Twilio has not
# finished: two quick retries, then it is a failed recording an operator follows up.
EMPTY_RETRIES = 2
EMPTY_BACKOFF_SECONDS = 5
TRANSCRIBE_RETRIES = 4


class HotlineTask(Task):
    """Owns the database session of one task run."""

    abstract = True

    def session(self) -> Session:
        return current_runtime().session()

    def backoff(self, base: int = 5, cap: int = 600) -> int:
        return int(min(cap, base * 2 ** self.request.retries))


def fetch_policy(settings: Settings) -> twilio_recordings.FetchPolicy:
    """Recordings come from Twilio's API origin only; in development also from loopback,
    where the call simulator serves them."""
    return twilio_recordings.FetchPolicy(
        api_base=settings.twilio_api_base or twilio_recordings.TWILIO_API_BASE,
        allow_loopback=settings.env == "development",
        account_sid=settings.twilio_account_sid,
    )


def _record_max_seconds(session: Session, settings: Settings) -> int:
    """The longest recording the IVR may have asked for (the console can raise it)."""
    try:
        edited = int(hotline_settings(session, settings.hotline_defaults())["record_max_seconds"])
    except (KeyError, ValueError):
        edited = 0
    return max(settings.record_max_seconds, edited)


@shared_task(bind=True, base=HotlineTask, name="hotline.download_recording",
             max_retries=DOWNLOAD_RETRIES)
def download_recording(self: HotlineTask, recording_id: int, empty_tries: int = 0) -> None:
    settings = current_runtime().settings
    with self.session() as session:
        recording = session.get(Recording, recording_id)
        if recording is None or recording.status is not RecordingStatus.PENDING:
            return
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
        with self.session() as session:
            recordings.record_download_failure(
                session, recording_id, str(exc), permanent=not exc.transient or last_try
            )
        if exc.transient and not last_try:
            raise self.retry(countdown=self.backoff(), exc=exc) from exc
        log.warning("recording %s could not be downloaded: %s", recording_id, exc)
        return
    try:
        with self.session() as session:
            recordings.store_recording(
                session, recording_id, audio.data, audio.content_type, settings.recordings_dir
            )
    except NotAudio as exc:
        again = (exc.empty and empty_tries < EMPTY_RETRIES
                 and self.request.retries < self.max_retries)
        reason = exc.reason if not exc.empty else (
            f"{exc.reason}, {empty_tries + 1} kali diunduh")
        with self.session() as session:
            recordings.record_download_failure(session, recording_id, reason,
                                               permanent=not again, not_audio=True)
        if again:
            raise self.retry(countdown=EMPTY_BACKOFF_SECONDS * (empty_tries + 1),
                             kwargs={"empty_tries": empty_tries + 1}, exc=exc) from exc
        log.warning("recording %s is not usable audio: %s", recording_id, reason)
        return
    transcribe.delay(recording_id)
    if settings.delete_twilio_recordings:
        delete_twilio_recording.delay(recording_id)


@shared_task(bind=True, base=HotlineTask, name="hotline.delete_twilio_recording",
             max_retries=5)
def delete_twilio_recording(self: HotlineTask, recording_id: int) -> None:
    settings = current_runtime().settings
    with self.session() as session:
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


@cache
def speech_engine() -> Any:
    """One engine per worker process: loading a model is the expensive part."""
    import speech

    s = current_runtime().settings
    # The vocabulary prompt is opt-in (SPEECH_VOCABULARY): on human telephone speech a
    # prompt of category names cost accuracy (docs/speech.md), so none is added by default.
    return speech.load_engine(
        s.speech_engine, s.speech_model, beam_size=s.speech_beam_size, vad=s.speech_vad,
        vocabulary=s.speech_vocabulary, threads=s.speech_threads,
        max_audio_seconds=s.speech_max_audio_seconds,
    )


AUDIO_REASONS = {
    "empty": "rekaman kosong",
    "silent": "rekaman tidak berisi suara",
    "corrupt": "berkas rekaman rusak atau tidak dapat dibaca",
    "too_long": "rekaman terlalu panjang untuk ditranskripsi otomatis",
    "unsupported": "format rekaman tidak didukung",
}


@shared_task(bind=True, base=HotlineTask, name="speech.transcribe",
             max_retries=TRANSCRIBE_RETRIES, acks_late=True)
def transcribe(self: HotlineTask, recording_id: int) -> None:
    runtime = current_runtime()
    with self.session() as session:
        recording = session.get(Recording, recording_id)
        if recording is None or recording.ticket.transcription_status not in (
            TranscriptionStatus.PENDING,
        ):
            return
        path = recordings.recording_path(runtime.settings.recordings_dir, recording)
        if path is None:
            return  # not downloaded yet; the download task enqueues us again
        if runtime.settings.speech_engine == "none":
            transcripts.mark_transcription_manual(session, recording_id)
            return
    import speech

    try:
        result = speech_engine().transcribe(path)
    except speech.AudioError as exc:
        reason = AUDIO_REASONS.get(exc.reason, exc.reason)
        with self.session() as session:
            transcripts.mark_transcription_failed(session, recording_id, reason)
        return
    except speech.EngineError as exc:
        if exc.transient and self.request.retries < self.max_retries:
            raise self.retry(countdown=self.backoff(10), exc=exc) from exc
        with self.session() as session:
            transcripts.mark_transcription_failed(
                session, recording_id, f"mesin transkripsi gagal: {exc}"
            )
        return
    with self.session() as session:
        transcripts.store_transcript(session, recording_id, result.to_dict())


@shared_task(bind=True, base=HotlineTask, name="hotline.sweep")
def sweep(self: HotlineTask) -> dict[str, int]:
    """Re-enqueue work a lost message or a crashed worker left behind; close stale answers."""
    settings = current_runtime().settings
    with self.session() as session:
        downloads = recordings.stale_pending_downloads(session, timedelta(minutes=10))
        pending = transcripts.recordings_awaiting_transcript(session, timedelta(minutes=15))
        closed = sweeps.auto_close_answered(session, tz=settings.timezone)
    for recording_id in downloads:
        download_recording.delay(recording_id)
    for recording_id in pending:
        transcribe.delay(recording_id)
    return {"downloads": len(downloads), "transcripts": len(pending), "closed": closed}
