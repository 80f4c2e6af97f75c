"""The reporter's spoken explanation of a reopening: a recording like a complaint's.

The status line records it with ``<Record>``; it becomes a row of ``recordings`` (keyed
on its RecordingSid, so a retried callback adds nothing) and goes through the same
pipeline as a complaint: the download task, ``media.work``'s leases, the sweep, the
transcription task. What differs is where the result goes: onto the
:class:`~feedback.models.Reopening` (its ``transcript_*`` and
``transcription_status``), never onto the ticket's own transcript or status.
``media.recordings``, ``media.transcripts`` and ``media.work`` ask here whether a
recording is such a note.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from feedback.models import Reopening
from media.policy import Reason
from tickets import events
from tickets.clock import utcnow
from tickets.db import insert_ignore
from tickets.lifecycle import SYSTEM, record_event
from tickets.models import Recording, RecordingStatus, Ticket, TranscriptionStatus

if TYPE_CHECKING:  # media.recordings imports this module
    from media.recordings import RecordingRef

TS = TranscriptionStatus


def is_note() -> ColumnElement[bool]:
    """SQL: the recording in the query is a reopening's note."""
    return select(Reopening.id).where(Reopening.recording_id == Recording.id).exists()


def note_pending() -> ColumnElement[bool]:
    """SQL: the recording in the query is a note still waiting for its transcript."""
    return select(Reopening.id).where(Reopening.recording_id == Recording.id,
                                      Reopening.transcription_status == TS.PENDING).exists()


def note_for_recording(session: Session, recording_id: int) -> Reopening | None:
    return session.scalar(select(Reopening).where(Reopening.recording_id == recording_id))


def note_recording_ids(session: Session, ticket: Ticket) -> set[int]:
    """The ticket's recordings that are reopening notes, not the complaint."""
    return {rid for rid in session.scalars(select(Reopening.recording_id).where(
        Reopening.ticket_id == ticket.id, Reopening.recording_id.is_not(None))) if rid}


def attach_recording(session: Session, ticket: Ticket, call_sid: str,
                     recording: RecordingRef) -> Reopening | None:
    """The note recorded in the call that reopened ``ticket`` (the ``<Record>`` action or
    the recording-status callback, whichever comes first); None when that call reopened
    nothing. Queued for download once this commits."""
    reopening = session.scalar(select(Reopening).where(
        Reopening.ticket_id == ticket.id, Reopening.call_sid == call_sid))
    if reopening is None:
        return None
    existing = session.scalar(select(Recording).where(Recording.recording_sid == recording.sid))
    if existing is not None:
        if existing.download_attempts > 0 and existing.status is RecordingStatus.PENDING:
            # The file is ready now: hurry along a download waiting out a backoff.
            events.publish(session, events.RecordingFiled(existing.id))
        return reopening
    if reopening.recording_id is not None:
        return reopening  # one note per reopening
    recording_id = insert_ignore(session, Recording.__table__, {  # type: ignore[arg-type]
        "ticket_id": ticket.id, "recording_sid": recording.sid, "source_url": recording.url,
        "duration_seconds": recording.duration_seconds, "status": "pending",
        "download_attempts": 0, "created_at": utcnow()}, ["recording_sid"])
    if recording_id is None:
        return reopening
    reopening.recording_id = recording_id
    reopening.transcription_status = TS.PENDING
    session.flush()
    session.expire(ticket, ["recordings"])
    events.publish(session, events.RecordingFiled(recording_id))
    return reopening


def store_transcript(session: Session, note: Reopening, result: Mapping[str, Any]) -> None:
    """The note's transcript; a job that runs twice stores the first one (the
    conditional UPDATE is the claim)."""
    done = session.execute(
        update(Reopening).where(Reopening.id == note.id,
                                Reopening.transcription_status != TS.DONE)
        .values(transcription_status=TS.DONE, transcription_error=None,
                transcript_text=result.get("text", ""),
                transcript_words=list(result.get("words", [])),
                transcript_confidence=result.get("confidence"),
                transcript_engine=result.get("engine", "unknown"))
        .execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
    session.refresh(note)
    if done == 1:
        record_event(session, note.ticket, SYSTEM, "system",
                     f"Transkrip penjelasan pelapor (dibuka kembali ke-{note.seq}) tersedia.",
                     shared_with=note.pokja_id)
        session.flush()
        events.publish(session, events.ComplaintText(note.ticket, note.transcript_text or "",
                                                     "balasan"))


def transcription_failed(session: Session, note: Reopening, reason: str) -> None:
    if note.transcription_status is TS.DONE:
        return
    note.transcription_status = TS.FAILED
    note.transcription_error = reason
    record_event(session, note.ticket, SYSTEM, "system",
                 f"Transkripsi penjelasan pelapor gagal: {reason}", internal=True)
    session.flush()


def transcription_manual(session: Session, note: Reopening) -> None:
    if note.transcription_status is TS.PENDING:
        note.transcription_status = TS.MANUAL
        session.flush()


def download_failed(session: Session, note: Reopening, error: str) -> None:
    """The note could not be downloaded for good: the call centre can call back."""
    note.transcription_status = TS.FAILED
    note.transcription_error = f"Rekaman {Reason.NOT_DOWNLOADED.text(detail=error)}"
    record_event(session, note.ticket, SYSTEM, "system",
                 f"Rekaman penjelasan pelapor gagal diunduh: {error}", internal=True)
    session.flush()


def download_retried(note: Reopening) -> None:
    if note.transcript_text is None:
        note.transcription_status = TS.PENDING
        note.transcription_error = None
