"""The media pipeline's tasks: fetch a call recording or a message's media, store it,
transcribe it on the ``speech`` queue, delete a recording at Twilio, and the sweep that
hands on work nobody holds.

Both kinds of media go through one download step and one transcription step
(:func:`_download`, :func:`_transcribe`) with one lease and retry policy
(:mod:`media.work`, :mod:`media.policy`); a :class:`Medium` says what differs: where the
file comes from, how it is kept, where its transcript goes. The tasks take ids, run
each step in one transaction (:mod:`jobs`), and are safe to run twice.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from celery import shared_task
from sqlalchemy.orm import Session

from jobs import HotlineTask, TaskRuntime, timing
from media import attachments, policy, recordings, transcripts, work
from media.audio_check import NotAudio
from media.models import Attachment
from media.policy import Reason
from speech import hearing
from tickets import events
from tickets.clock import utcnow
from tickets.db import after_commit
from tickets.models import Recording, RecordingStatus, TranscriptionStatus
from tickets.reference import hotline_settings
from twilio_edge import fetch, twilio_ids
from twilio_edge import recordings as twilio_recordings

log = logging.getLogger(__name__)


def _download_filed(session: Session, event: events.RecordingFiled) -> None:
    after_commit(session, lambda: download_recording.delay(event.recording_id))


def _transcribe_stored(session: Session, event: events.RecordingStored) -> None:
    after_commit(session, lambda: transcribe.delay(event.recording_id))


def _download_attachment_filed(session: Session, event: events.AttachmentFiled) -> None:
    after_commit(session, lambda: download_attachment.delay(event.attachment_id))


def _transcribe_attachment_stored(session: Session, event: events.AttachmentStored) -> None:
    after_commit(session, lambda: transcribe_attachment.delay(event.attachment_id))


def subscribe(dispatcher: events.Dispatcher) -> None:
    dispatcher.subscribe(events.RecordingFiled, _download_filed)
    dispatcher.subscribe(events.RecordingStored, _transcribe_stored)
    dispatcher.subscribe(events.AttachmentFiled, _download_attachment_filed)
    dispatcher.subscribe(events.AttachmentStored, _transcribe_attachment_stored)


def fetch_policy(settings: Any) -> twilio_recordings.FetchPolicy:
    """Media come from Twilio's API origin only; in development also from loopback,
    where the call and chat simulators serve them."""
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


# --- what differs between the two kinds of media ------------------------------------------

@dataclass(frozen=True)
class Job:
    """A download as read from its row in the claim's transaction."""

    url: str
    declared: str | None
    max_bytes: int


class Medium(Protocol):
    leases: work.Work
    name: str

    def job(self, session: Session, settings: Any, item_id: int) -> Job: ...

    def fetch_file(self, job: Job, settings: Any) -> fetch.Audio: ...

    def store(self, session: Session, settings: Any, item_id: int, job: Job,
              body: fetch.Audio) -> None:
        """Keep the file (publishing the event that queues its transcription), or raise
        NotAudio / attachments.NotAccepted, writing nothing."""

    def download_failed(self, session: Session, settings: Any, item_id: int, reason: str, *,
                        permanent: bool, not_usable: bool) -> None: ...

    def stored_file(self, session: Session, settings: Any, item_id: int) -> Path | None:
        """The stored file whose transcript is due, or None (nothing to do)."""

    def transcribed(self, session: Session, settings: Any, item_id: int,
                    result: dict[str, Any]) -> None: ...

    def manual(self, session: Session, settings: Any, item_id: int) -> None: ...

    def transcription_failed(self, session: Session, settings: Any, item_id: int,
                             reason: str) -> None: ...


class _Recordings:
    """A call's recording: its transcript goes to its ticket (or its reopening)."""

    leases = work.RECORDINGS
    name = "recording"

    def job(self, session: Session, settings: Any, item_id: int) -> Job:
        recording = session.get_one(Recording, item_id)
        return Job(recording.source_url or "", None,
                   recordings.max_recording_bytes(_record_max_seconds(session, settings)))

    def fetch_file(self, job: Job, settings: Any) -> fetch.Audio:
        return twilio_recordings.download(
            job.url, settings.twilio_account_sid, settings.twilio_auth_token,
            policy=fetch_policy(settings), max_bytes=job.max_bytes)

    def store(self, session: Session, settings: Any, item_id: int, job: Job,
              body: fetch.Audio) -> None:
        recordings.store_recording(session, item_id, body.data, body.content_type,
                                   settings.recordings_dir)

    def download_failed(self, session: Session, settings: Any, item_id: int, reason: str, *,
                        permanent: bool, not_usable: bool) -> None:
        recordings.record_download_failure(session, item_id, reason, permanent=permanent,
                                           tz=settings.timezone, not_audio=not_usable)

    def stored_file(self, session: Session, settings: Any, item_id: int) -> Path | None:
        recording = session.get(Recording, item_id)
        if recording is None or not transcripts.awaits_transcript(session, item_id):
            return None
        return recordings.recording_path(settings.recordings_dir, recording)

    def transcribed(self, session: Session, settings: Any, item_id: int,
                    result: dict[str, Any]) -> None:
        transcripts.store_transcript(session, item_id, result, tz=settings.timezone)

    def manual(self, session: Session, settings: Any, item_id: int) -> None:
        transcripts.mark_transcription_manual(session, item_id, tz=settings.timezone)

    def transcription_failed(self, session: Session, settings: Any, item_id: int,
                             reason: str) -> None:
        # A recording of silence is no failure of the machine: nobody was heard.
        transcripts.mark_transcription_failed(session, item_id, reason, tz=settings.timezone,
                                              no_speech=reason == Reason.SILENT.text())


class _Attachments:
    """A message's voice note or photo: its transcript stays on the attachment, and
    messaging assembles the ticket's text (``AttachmentResolved``)."""

    leases = work.ATTACHMENTS
    name = "attachment"

    def job(self, session: Session, settings: Any, item_id: int) -> Job:
        attachment = session.get_one(Attachment, item_id)
        return Job(attachment.source_url, attachment.declared_type,
                   settings.messaging.media_max_bytes)

    def fetch_file(self, job: Job, settings: Any) -> fetch.Audio:
        rules = fetch_policy(settings)
        try:
            source = twilio_ids.media_url(job.url, any_path_on_loopback=rules.allow_loopback)
        except twilio_ids.InvalidTwilioValue as exc:
            raise fetch.DownloadError(f"alamat lampiran tidak sah ({exc})",
                                      transient=False) from None
        return fetch.fetch(source.url, source, settings.twilio_account_sid,
                           settings.twilio_auth_token, policy=rules, max_bytes=job.max_bytes,
                           what="lampiran")

    def store(self, session: Session, settings: Any, item_id: int, job: Job,
              body: fetch.Audio) -> None:
        # The webhook's declared type says what was accepted; the bytes must agree.
        attachments.store(session, item_id, body.data, job.declared, settings.recordings_dir)

    def download_failed(self, session: Session, settings: Any, item_id: int, reason: str, *,
                        permanent: bool, not_usable: bool) -> None:
        attachments.record_failure(session, item_id, reason, permanent=permanent)

    def stored_file(self, session: Session, settings: Any, item_id: int) -> Path | None:
        attachment = session.get(Attachment, item_id)
        if attachment is None or attachment.transcript_status is not TranscriptionStatus.PENDING:
            return None
        return attachments.stored_path(settings.recordings_dir, attachment)

    def transcribed(self, session: Session, settings: Any, item_id: int,
                    result: dict[str, Any]) -> None:
        text = str(result.get("text", ""))
        unheard = hearing.no_speech(text)  # silence, noise or a loop: a person listens
        attachments.transcribed(session, item_id, text, words=list(result.get("words", [])),
                                status=TranscriptionStatus.NO_SPEECH if unheard
                                else TranscriptionStatus.DONE, error=unheard)

    def manual(self, session: Session, settings: Any, item_id: int) -> None:
        attachments.transcribed(session, item_id, None, status=TranscriptionStatus.MANUAL)

    def transcription_failed(self, session: Session, settings: Any, item_id: int,
                             reason: str) -> None:
        silent = reason == Reason.SILENT.text()  # nobody was heard: no machine failure
        attachments.transcribed(session, item_id, None, error=reason,
                                status=TranscriptionStatus.NO_SPEECH if silent
                                else TranscriptionStatus.FAILED)


RECORDING: Medium = _Recordings()
ATTACHMENT: Medium = _Attachments()


# --- the download step --------------------------------------------------------------------

def _download(task: HotlineTask, medium: Medium, item_id: int, empty_tries: int) -> bool:
    """One attempt at fetching and keeping ``medium``'s file; True once it is stored."""
    with timing.job(medium.name, item_id, "download"):
        return _download_timed(task, medium, item_id, empty_tries)


def _waited(session: Session, medium: Medium, item_id: int, since: str) -> None:
    """Count the time the row's work waited for a worker (from its ``since`` column)."""
    row = session.get(medium.leases.model, item_id)
    at = getattr(row, since, None) if row is not None else None
    if at is not None:
        timing.add("queue_wait", (utcnow() - at).total_seconds())


def _download_timed(task: HotlineTask, medium: Medium, item_id: int, empty_tries: int) -> bool:
    settings = task.runtime.settings
    owner = task.owner()
    with timing.stage("db"), task.transaction() as session:
        _waited(session, medium, item_id, "created_at")
        claim = medium.leases.claim_download(session, item_id, owner)
        if claim is work.Claim.EXHAUSTED:  # its workers died mid-download every time
            medium.download_failed(session, settings, item_id,
                                   policy.exhausted(policy.DOWNLOAD), permanent=True,
                                   not_usable=False)
            return False
        if claim is work.Claim.BUSY:
            return False  # stored already, failed, or another worker has it
        job = medium.job(session, settings, item_id)
        attempts = medium.leases.attempts(session, item_id, policy.DOWNLOAD)
    # No database transaction stays open while the download waits on the network.
    try:
        with task.heartbeat(f"{medium.name} {item_id}", medium.leases.renewal(item_id, owner),
                            policy.HEARTBEAT):
            with timing.stage("fetch"):
                body = medium.fetch_file(job, settings)
        with timing.stage("store"), task.transaction() as session:
            # Publishes *Stored: the transcription is queued once this commits.
            medium.store(session, settings, item_id, job, body)
            if medium is RECORDING and settings.media.delete_twilio_recordings:
                # Twilio's copy goes once ours is committed, never for a rolled-back store.
                after_commit(session, partial(delete_twilio_recording.delay, item_id))
        return True
    except fetch.DownloadError as exc:
        left = exc.transient and attempts < policy.DOWNLOAD.max_attempts
        _download_failed(task, medium, item_id, owner, exc, str(exc), retry=left,
                         transient=exc.transient, attempts=attempts,
                         countdown=policy.DOWNLOAD.backoff(attempts),
                         empty_tries=empty_tries, not_usable=False)
    except (NotAudio, attachments.NotAccepted) as exc:
        # Bytes that are not what was promised will not become so, unless they are
        # empty: a file Twilio has not finished gets two quick retries.
        again = (exc.empty and empty_tries < policy.EMPTY_RETRIES
                 and attempts < policy.DOWNLOAD.max_attempts)
        _download_failed(task, medium, item_id, owner, exc, exc.reason, retry=again,
                         transient=exc.empty, attempts=attempts,
                         countdown=policy.EMPTY_BACKOFF_SECONDS * (empty_tries + 1),
                         empty_tries=empty_tries + 1, not_usable=True)
    return False


def _download_failed(task: HotlineTask, medium: Medium, item_id: int, owner: str,
                     exc: Exception, detail: str, *, retry: bool, transient: bool,
                     attempts: int, countdown: int, empty_tries: int,
                     not_usable: bool) -> None:
    """Note the failure; retry with the lease held, or give up with the reason."""
    settings = task.runtime.settings
    # A transient failure that ran out of tries says how often it was tried.
    reason = Reason.GAVE_UP.text(detail=detail, n=attempts) if transient and not retry \
        else detail
    with task.transaction() as session:
        medium.download_failed(session, settings, item_id, reason, permanent=not retry,
                               not_usable=not_usable)
        if retry:  # the sweep leaves it to this chain while the retry waits
            medium.leases.hold_until(session, item_id, owner, utcnow()
                                   + timedelta(seconds=countdown) + policy.LEASE)
        else:
            medium.leases.release(session, item_id, owner)
    if retry:
        raise task.retry(countdown=countdown, kwargs={"empty_tries": empty_tries},
                         exc=exc) from exc
    log.warning("%s %s not kept: %s", medium.name, item_id, reason)


@shared_task(bind=True, base=HotlineTask, name="hotline.download_recording",
             max_retries=policy.DOWNLOAD.max_attempts)
def download_recording(self: HotlineTask, recording_id: int, empty_tries: int = 0) -> None:
    _download(self, RECORDING, recording_id, empty_tries)


@shared_task(bind=True, base=HotlineTask, name="hotline.download_attachment",
             max_retries=policy.DOWNLOAD.max_attempts)
def download_attachment(self: HotlineTask, attachment_id: int, empty_tries: int = 0) -> None:
    _download(self, ATTACHMENT, attachment_id, empty_tries)


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


# --- the transcription step ---------------------------------------------------------------

_ENGINES: dict[int, Any] = {}


def speech_engine(runtime: TaskRuntime) -> Any:
    """One engine per worker process: loading a model is the expensive part."""
    engine = _ENGINES.get(id(runtime))
    if engine is None:
        engine = _ENGINES[id(runtime)] = runtime.settings.speech.load_engine()
    return engine


def _transcribe(task: HotlineTask, medium: Medium, item_id: int) -> None:
    """One attempt at transcribing ``medium``'s stored file."""
    with timing.job(medium.name, item_id, "transcribe"):
        _transcribe_timed(task, medium, item_id)


def _run_engine(runtime: TaskRuntime, path: Path) -> dict[str, Any]:
    """Transcribe, counting the model's load (first job of a process only), the audio's
    decoding and conversion, and the recogniser apart."""
    with timing.stage("model_load"):
        engine = speech_engine(runtime)
    started = time.perf_counter()
    result: dict[str, Any] = engine.transcribe(path).to_dict()
    spent = time.perf_counter() - started
    conversion = float(result.get("decode_seconds") or 0.0)
    timing.add("conversion", conversion)
    timing.add("model", spent - conversion)
    return result


def _transcribe_timed(task: HotlineTask, medium: Medium, item_id: int) -> None:
    settings = task.runtime.settings
    owner = task.owner()
    with timing.stage("db"), task.transaction() as session:
        path = medium.stored_file(session, settings, item_id)
        if path is None:
            return  # transcribed already, or not stored yet (storing it queues us again)
        _waited(session, medium, item_id, "stored_at")
        claim = medium.leases.claim_transcription(session, item_id, owner)
        if claim is work.Claim.EXHAUSTED:
            medium.transcription_failed(session, settings, item_id,
                                        policy.exhausted(policy.TRANSCRIPTION))
            return
        if claim is work.Claim.BUSY:
            return
        if settings.speech.engine == "none":
            # No engine configured: an operator listens and types the complaint.
            medium.manual(session, settings, item_id)
            medium.leases.release(session, item_id, owner)
            return
        attempts = medium.leases.attempts(session, item_id, policy.TRANSCRIPTION)
    import speech

    try:
        with task.heartbeat(f"{medium.name} {item_id}", medium.leases.renewal(item_id, owner),
                            policy.HEARTBEAT):
            result = _run_engine(task.runtime, path)
    except speech.AudioError as exc:
        reason = Reason.of_audio(exc.reason)
    except speech.EngineError as exc:
        if exc.transient and attempts < policy.TRANSCRIPTION.max_attempts:
            countdown = policy.TRANSCRIPTION.backoff(attempts)
            with task.transaction() as session:
                medium.leases.hold_until(session, item_id, owner, utcnow()
                                       + timedelta(seconds=countdown) + policy.LEASE)
            raise task.retry(countdown=countdown, exc=exc) from exc
        reason = Reason.ENGINE.text(detail=exc)
    else:
        with timing.stage("db"), task.transaction() as session:
            medium.transcribed(session, settings, item_id, result)
            medium.leases.release(session, item_id, owner)
        return
    with task.transaction() as session:
        medium.transcription_failed(session, settings, item_id, reason)
        medium.leases.release(session, item_id, owner)


@shared_task(bind=True, base=HotlineTask, name="speech.transcribe",
             max_retries=policy.TRANSCRIPTION.max_attempts, acks_late=True)
def transcribe(self: HotlineTask, recording_id: int) -> None:
    _transcribe(self, RECORDING, recording_id)


@shared_task(bind=True, base=HotlineTask, name="speech.transcribe_attachment",
             max_retries=policy.TRANSCRIPTION.max_attempts, acks_late=True)
def transcribe_attachment(self: HotlineTask, attachment_id: int) -> None:
    _transcribe(self, ATTACHMENT, attachment_id)


# --- the sweep ----------------------------------------------------------------------------

@shared_task(bind=True, base=HotlineTask, name="media.sweep")
def sweep(self: HotlineTask) -> dict[str, int]:
    """Hand media work nobody holds to a worker (a lost queue message, a killed worker, a
    broker that was down when the work was queued): recordings and message media."""
    with self.transaction() as session:
        found = {key: getter(session) for key, getter in (
            ("downloads", work.RECORDINGS.downloads_to_rescue),
            ("transcripts", work.RECORDINGS.transcriptions_to_rescue),
            ("media", work.ATTACHMENTS.downloads_to_rescue),
            ("voice_notes", work.ATTACHMENTS.transcriptions_to_rescue))}
        for key, task in (("downloads", download_recording), ("transcripts", transcribe),
                          ("media", download_attachment),
                          ("voice_notes", transcribe_attachment)):
            for item_id in found[key]:
                after_commit(session, partial(task.delay, item_id))
    return {key: len(ids) for key, ids in found.items()}
