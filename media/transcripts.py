"""Attaching the machine transcript (or its failure) to a ticket."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from media import reopening_notes
from media.recordings import get_recording
from speech import hearing
from tickets import events
from tickets.clock import utcnow
from tickets.lifecycle import SYSTEM, record_event, transition
from tickets.models import (
    Status,
    Ticket,
    Transcript,
    TranscriptionStatus,
)

# A word the engine was less sure of than this is marked for the operator to check.
LOW_CONFIDENCE = 0.6
NO_SPEECH_LABEL = "Tidak terdengar ucapan"


def shown_words(stored: Iterable[Any] | None) -> list[dict[str, Any]]:
    """A stored transcript's words (speech's ``Word.to_dict()`` kept as JSON on a ticket's
    transcript or a voice note) as the console marks them: ``word``, ``start`` (seconds)
    and ``low`` (below :data:`LOW_CONFIDENCE`). An entry that is not such a word (a row
    written by an older engine, JSON edited by hand) is left out rather than failing the
    page."""
    words = []
    for w in stored or []:
        try:
            words.append({"word": str(w.get("word", "")), "start": float(w.get("start", 0.0)),
                          "low": float(w.get("confidence", 1.0)) < LOW_CONFIDENCE})
        except (TypeError, ValueError, AttributeError):
            continue
    return words


def _ready_for_verification(session: Session, ticket: Ticket, note: str, tz: str) -> None:
    if ticket.status is Status.RECORDED:
        transition(session, ticket, Status.AWAITING_VERIFICATION, SYSTEM, note, tz=tz)
    else:
        record_event(session, ticket, SYSTEM, "system", note, internal=True)


def awaits_transcript(session: Session, recording_id: int) -> bool:
    """Whether the recording (a complaint's, or a reopening's note) still waits for one."""
    note = reopening_notes.note_for_recording(session, recording_id)
    if note is not None:
        return note.transcription_status is TranscriptionStatus.PENDING
    recording = get_recording(session, recording_id)
    return recording.ticket.transcription_status is TranscriptionStatus.PENDING


def store_transcript(session: Session, recording_id: int, result: Mapping[str, Any], *,
                     tz: str) -> Transcript | None:
    """Store one transcript per ticket: a job that runs twice returns the first one.
    A reopening's note gets its transcript on the reopening (None is returned).

    ``result`` is the speech engine's ``Transcript.to_dict()``.
    """
    note = reopening_notes.note_for_recording(session, recording_id)
    if note is not None:
        reopening_notes.store_transcript(session, note, result)
        return None
    recording = get_recording(session, recording_id)
    ticket = recording.ticket
    if ticket.transcript is not None:
        return ticket.transcript
    transcript = Transcript(
        ticket=ticket,
        recording_id=recording.id,
        text=result.get("text", ""),
        words=list(result.get("words", [])),
        confidence=result.get("confidence"),
        language=result.get("language"),
        engine=result.get("engine", "unknown"),
        model=result.get("model"),
        audio_seconds=result.get("audio_seconds"),
        processing_seconds=result.get("processing_seconds"),
        created_at=utcnow(),
    )
    session.add(transcript)
    unheard = hearing.no_speech(transcript.text)
    if unheard is None:
        ticket.transcription_status = TranscriptionStatus.DONE
        ticket.transcription_error = None
        _ready_for_verification(session, ticket, "Transkrip otomatis tersedia.", tz)
    else:
        # Silence, noise or a loop is not a transcript: a person listens to the recording.
        ticket.transcription_status = TranscriptionStatus.NO_SPEECH
        ticket.transcription_error = unheard
        _ready_for_verification(session, ticket, f"{NO_SPEECH_LABEL} ({unheard}): "
                                "dengarkan rekaman dan ketik uraiannya.", tz)
    if unheard in (None, hearing.LOOP):  # a loop may still hold words worth an alert
        events.publish(session, events.ComplaintText(ticket, transcript.text, "transkrip"))
    # The same job running twice at once: the ticket's version makes the second flush
    # fail (StaleDataError), and the task's retry finds the first transcript.
    session.flush()
    return transcript


def mark_transcription_failed(session: Session, recording_id: int, reason: str, *,
                              tz: str, no_speech: bool = False) -> Ticket:
    """A permanent failure: the ticket goes to the operators marked "transkripsi gagal";
    with ``no_speech`` (the recording is silence) marked "tidak terdengar ucapan"."""
    recording = get_recording(session, recording_id)
    note = reopening_notes.note_for_recording(session, recording_id)
    if note is not None:
        reopening_notes.transcription_failed(session, note, reason)
        return recording.ticket
    ticket = recording.ticket
    if ticket.transcription_status in (TranscriptionStatus.DONE, TranscriptionStatus.NO_SPEECH):
        return ticket
    if no_speech:
        ticket.transcription_status = TranscriptionStatus.NO_SPEECH
        ticket.transcription_error = reason
        _ready_for_verification(session, ticket, f"{NO_SPEECH_LABEL} ({reason}): dengarkan "
                                "rekaman dan ketik uraiannya.", tz)
        session.flush()
        return ticket
    ticket.transcription_status = TranscriptionStatus.FAILED
    ticket.transcription_error = reason
    _ready_for_verification(session, ticket, f"Transkripsi gagal: {reason}", tz)
    session.flush()
    return ticket


def mark_transcription_manual(session: Session, recording_id: int, *, tz: str) -> Ticket:
    """No speech engine is configured: an operator listens and types the complaint."""
    recording = get_recording(session, recording_id)
    note = reopening_notes.note_for_recording(session, recording_id)
    if note is not None:
        reopening_notes.transcription_manual(session, note)
        return recording.ticket
    ticket = recording.ticket
    if ticket.transcription_status is TranscriptionStatus.PENDING:
        ticket.transcription_status = TranscriptionStatus.MANUAL
        _ready_for_verification(session, ticket, "Rekaman siap didengar; transkripsi manual.", tz)
        session.flush()
    return ticket
