"""The reporter's feedback as people may read it: the console's ticket page (within the
privacy rules) and the CLI's ``tickets show --json``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from feedback.models import FeedbackChannel, Reopening
from feedback.replies import is_escalated, rating_of, reopenings
from tickets.clock import iso_utc
from tickets.lifecycle import Principal
from tickets.models import Recording, RecordingStatus, Ticket, TranscriptionStatus
from tickets.permissions import can_see_reporter

CHANNEL_LABELS = {FeedbackChannel.PHONE: "telepon", FeedbackChannel.SMS: "SMS",
                  FeedbackChannel.WHATSAPP: "WhatsApp"}


@dataclass(frozen=True)
class ReopenView:
    """One reopening as ``user`` may read it: an anonim ticket's note, recording and
    transcript (which may say the reporter's name) stay with the call centre."""

    seq: int
    at: datetime
    channel: str
    escalated: bool
    event_id: int | None
    shown: bool  # False: hidden from this user (anonim)
    note: str | None
    recording: Recording | None  # stored and audible
    transcription_status: TranscriptionStatus
    transcription_error: str | None
    transcript: str | None
    words: list[dict[str, Any]]


@dataclass(frozen=True)
class FeedbackView:
    rating: int | None
    fixed_at: datetime | None
    reopenings: list[ReopenView]
    escalated: bool

    def by_event(self) -> dict[int, ReopenView]:
        return {r.event_id: r for r in self.reopenings if r.event_id is not None}


def _view(r: Reopening, shown: bool) -> ReopenView:
    rec = r.recording if shown and r.recording and r.recording.status is \
        RecordingStatus.STORED and r.recording.path else None
    return ReopenView(
        seq=r.seq, at=r.at, channel=CHANNEL_LABELS[r.channel], escalated=r.escalated,
        event_id=r.event_id, shown=shown, note=r.note if shown else None, recording=rec,
        transcription_status=r.transcription_status,
        transcription_error=r.transcription_error if shown else None,
        transcript=r.transcript_text if shown else None,
        words=list(r.transcript_words or []) if shown else [])


def for_ticket(session: Session, user: Principal, ticket: Ticket) -> FeedbackView:
    rating = rating_of(session, ticket)
    shown = can_see_reporter(user, ticket)
    return FeedbackView(
        rating=rating.rating if rating else None,
        fixed_at=rating.confirmed_at if rating else None,
        reopenings=[_view(r, shown) for r in reopenings(session, ticket)],
        escalated=is_escalated(session, ticket))


def feedback_dict(session: Session, ticket: Ticket) -> dict[str, Any]:
    """The keys ``hotline tickets show --json`` adds: the rating and the reopenings, each
    with its explanation (typed or recorded) and the recording's transcript."""
    rating = rating_of(session, ticket)
    return {
        "rating": None if rating is None else {
            "value": rating.rating, "channel": rating.channel.value,
            "fixed_at": iso_utc(rating.confirmed_at), "rated_at": iso_utc(rating.rated_at)},
        "escalated": is_escalated(session, ticket),
        "reopenings": [{
            "seq": r.seq, "at": iso_utc(r.at), "channel": r.channel.value,
            "escalated": r.escalated, "note": r.note,
            "recording": None if r.recording is None else {
                "sid": r.recording.recording_sid, "status": r.recording.status.value,
                "path": r.recording.path, "duration_seconds": r.recording.duration_seconds},
            "transcript": {"status": r.transcription_status.value, "text": r.transcript_text,
                           "engine": r.transcript_engine,
                           "confidence": r.transcript_confidence,
                           "error": r.transcription_error},
        } for r in reopenings(session, ticket)],
    }
