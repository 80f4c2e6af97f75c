"""Plain-data views of tickets, for the CLI's --json output and exports."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from media import reopening_notes
from tickets.clock import iso_utc
from tickets.models import Ticket


def ticket_as_dict(ticket: Ticket) -> dict[str, Any]:
    transcript = ticket.transcript
    # The complaint's recording; a reopening's note is under "reopenings" (feedback_views).
    session = object_session(ticket)
    notes = reopening_notes.note_recording_ids(session, ticket) if session else set()
    recording = next((r for r in reversed(ticket.recordings) if r.id not in notes), None)
    return {
        "number": ticket.number,
        "status": ticket.status.value,
        "channel": ticket.channel.value,
        "category": ticket.category.name if ticket.category else None,
        "pokja": ticket.pokja.name if ticket.pokja else None,
        "anonim": ticket.anonim,
        "rahasia": ticket.rahasia,
        "created_at": iso_utc(ticket.created_at),
        "verify_due_at": iso_utc(ticket.verify_due_at),
        "followup_due_at": iso_utc(ticket.followup_due_at),
        "description": ticket.description,
        "answer": ticket.answer,
        "transcript": {
            "status": ticket.transcription_status.value,
            "text": transcript.text if transcript else None,
            "engine": transcript.engine if transcript else None,
            "model": transcript.model if transcript else None,
            "confidence": transcript.confidence if transcript else None,
            "error": ticket.transcription_error,
        },
        "recording": None if recording is None else {
            "sid": recording.recording_sid,
            "status": recording.status.value,
            "path": recording.path,
            "sha256": recording.sha256,
            "duration_seconds": recording.duration_seconds,
        },
    }


def recent_tickets(session: Session, limit: int = 50) -> list[Ticket]:
    return list(session.scalars(select(Ticket).order_by(Ticket.id.desc()).limit(limit)))
