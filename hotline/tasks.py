"""Celery tasks. They take ids, run each step in one transaction, and are safe to run twice.

:class:`HotlineTask` owns what every task shares, as warehouse's task base does: the
runtime (from the Celery app the entry point built), the unit of work, and the retry
policy: a transient database error (a dropped connection, a deadlock, a lost race on a
row's version) becomes a Celery retry with backoff instead of a lost task.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from celery import Task, shared_task
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ivr import recordings as twilio_recordings
from tickets import events, recordings, sweeps, transcripts, work
from tickets.audio_check import NotAudio
from tickets.clock import utcnow
from tickets.db import after_commit, is_transient
from tickets.models import Recording, RecordingStatus
from tickets.reference import hotline_settings

if TYPE_CHECKING:
    from hotline.runtime import Runtime
    from hotline.settings import Settings

log = logging.getLogger(__name__)

DOWNLOAD_RETRIES = 8
# An empty body (0 bytes, a WAV header without samples) may be a file Twilio has not
# finished: two quick retries, then it is a failed recording an operator follows up.
EMPTY_RETRIES = 2
EMPTY_BACKOFF_SECONDS = 5
TRANSCRIBE_RETRIES = 4
DB_RETRIES = 5


class HotlineTask(Task):
    abstract = True

    @property
    def runtime(self) -> Runtime:
        return self.app.hotline_runtime  # type: ignore[attr-defined, no-any-return]

    def transaction(self):  # type: ignore[no-untyped-def]
        return self.runtime.transaction()

    def owner(self) -> str:
        """This job's name for its leases: the task id, which its retries keep."""
        return str(self.request.id or f"local-{uuid.uuid4()}")

    @contextmanager
    def heartbeat(self, recording_id: int, owner: str,
                  every: timedelta = work.HEARTBEAT) -> Iterator[None]:
        """Renew this job's lease on ``recording_id`` every ``work.HEARTBEAT`` while the
        block runs: a long transcription keeps its recording, and a killed worker stops
        renewing, so the sweep hands the job on within one short lease."""
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(every.total_seconds()):
                try:
                    with self.transaction() as session:
                        work.hold_until(session, recording_id, owner,
                                        utcnow() + work.TRANSCRIBE_LEASE)
                except Exception:  # the next beat tries again; the lease is the safety
                    log.exception("could not renew the lease of recording %s", recording_id)

        thread = threading.Thread(target=beat, name=f"lease-{recording_id}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(5)

    def backoff(self, base: int = 5, cap: int = 600) -> int:
        return int(min(cap, base * 2 ** self.request.retries))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except (IntegrityError, StaleDataError) as exc:
            # Two runs of one job raced on a row: the next run finds the winner's result.
            raise self.retry(countdown=1, exc=exc, max_retries=DB_RETRIES) from exc
        except Exception as exc:
            if is_transient(exc):
                raise self.retry(countdown=self.backoff(), exc=exc,
                                 max_retries=DB_RETRIES) from exc
            raise


def _download_filed(session: Session, event: events.RecordingFiled) -> None:
    after_commit(session, lambda: download_recording.delay(event.recording_id))


def _transcribe_stored(session: Session, event: events.RecordingStored) -> None:
    after_commit(session, lambda: transcribe.delay(event.recording_id))


def subscribe(dispatcher: events.Dispatcher) -> None:
    dispatcher.subscribe(events.RecordingFiled, _download_filed)
    dispatcher.subscribe(events.RecordingStored, _transcribe_stored)


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
    if settings.delete_twilio_recordings:
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


def speech_engine(runtime: Runtime) -> Any:
    """One engine per worker process: loading a model is the expensive part."""
    engine = _ENGINES.get(id(runtime))
    if engine is None:
        import speech

        s = runtime.settings
        # The vocabulary prompt is opt-in (SPEECH_VOCABULARY): on human telephone speech a
        # prompt of category names cost accuracy (docs/speech.md), so none is added by
        # default.
        engine = _ENGINES[id(runtime)] = speech.load_engine(
            s.speech_engine, s.speech_model, beam_size=s.speech_beam_size, vad=s.speech_vad,
            vocabulary=s.speech_vocabulary, threads=s.speech_threads,
            max_audio_seconds=s.speech_max_audio_seconds,
        )
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
        if settings.speech_engine == "none":
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
        with self.heartbeat(recording_id, owner):
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


@shared_task(bind=True, base=HotlineTask, name="hotline.sweep")
def sweep(self: HotlineTask) -> dict[str, int]:
    """Hand work nobody holds to a worker (a lost queue message, a killed worker, a broker
    that was down when the work was queued); close answered tickets left unanswered."""
    settings = self.runtime.settings
    with self.transaction() as session:
        downloads = work.downloads_to_rescue(session)
        pending = work.transcriptions_to_rescue(session)
        closed = sweeps.auto_close_answered(session, tz=settings.timezone)
    for recording_id in downloads:
        download_recording.delay(recording_id)
    for recording_id in pending:
        transcribe.delay(recording_id)
    from hotline.messaging_tasks import sweep_messages

    return {"downloads": len(downloads), "transcripts": len(pending), "closed": closed,
            **sweep_messages(self.runtime)}
