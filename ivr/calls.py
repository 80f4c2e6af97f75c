"""The call-state service: every step of a hotline call, and when it files a ticket.

The IVR adapter parses Twilio's form, calls one function here and renders TwiML; it
touches no model. Twilio's callbacks can arrive in any order and more than once, so
each step is keyed on the CallSid and RecordingSid and a repeat changes nothing.

The rule that keeps every complaint: a call that has ended with a recording pending
files its ticket, whichever comes first - the caller's "1" (confirm), the call-status
callback (the caller hung up before confirming), or the recording itself arriving after
the call has already ended (the hang-up race: Twilio may post the call's end before the
``<Record>`` action).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from media.recordings import RecordingRef
from tickets import events
from tickets.clock import utcnow
from tickets.contacts import caller_number
from tickets.db import insert_ignore
from tickets.lifecycle import CALLER
from tickets.models import Call, Category, Channel, Recording, Status, Ticket, TranscriptionStatus
from tickets.services import create_ticket

HUNG_UP_NOTE = "Penelepon menutup telepon sebelum mengonfirmasi rekaman."


@dataclass(frozen=True)
class Filed:
    """The ticket a call's recording became; ``created`` is False for a repeat."""

    ticket_number: str
    recording_id: int
    created: bool


def started(session: Session, call_sid: str, from_number: str | None,
            to_number: str | None) -> None:
    """Record that a call came in; a repeated delivery changes nothing. One INSERT .. ON
    CONFLICT DO NOTHING: the first menu step is the hottest write."""
    insert_ignore(session, Call.__table__, {  # type: ignore[arg-type]
        "call_sid": call_sid, "from_number": caller_number(from_number),
        "to_number": caller_number(to_number), "started_at": utcnow(), "anonim": False,
    }, ["call_sid"])


def _locked(session: Session, call_sid: str) -> Call | None:
    """The call's row, locked until the commit and read fresh: of two callbacks about one
    call, the second waits for the first and then sees what it wrote (PostgreSQL; SQLite
    serialises writers anyway). Without it, "ended" and "recorded" arriving at once could
    each miss the other's fact and file nothing."""
    return session.scalars(select(Call).where(Call.call_sid == call_sid).with_for_update()
                           .execution_options(populate_existing=True)).one_or_none()


def _call(session: Session, call_sid: str, from_number: str | None = None,
          to_number: str | None = None) -> Call:
    started(session, call_sid, from_number, to_number)
    call = _locked(session, call_sid)
    assert call is not None
    return call


def category_chosen(session: Session, call_sid: str, from_number: str | None,
                    to_number: str | None, category_id: int) -> None:
    _call(session, call_sid, from_number, to_number).category_id = category_id
    session.flush()


def anonim_chosen(session: Session, call_sid: str, from_number: str | None,
                  to_number: str | None, anonim: bool) -> None:
    _call(session, call_sid, from_number, to_number).anonim = anonim
    session.flush()


def _filed_recording(session: Session, recording_sid: str) -> Recording | None:
    return session.scalar(select(Recording).where(Recording.recording_sid == recording_sid))


def recording_made(session: Session, call_sid: str, from_number: str | None,
                   to_number: str | None, recording: RecordingRef, *, tz: str) -> Filed | None:
    """The caller recorded a complaint (the ``<Record>`` action or the recording-status
    callback). It waits for the caller's confirmation, unless the call already ended."""
    existing = _filed_recording(session, recording.sid)
    if existing is not None:
        if existing.download_attempts > 0 and existing.status.value == "pending":
            # The file is ready now: hurry along a download waiting out a backoff.
            events.publish(session, events.RecordingFiled(existing.id))
        return Filed(existing.ticket.number, existing.id, False)
    call = _call(session, call_sid, from_number, to_number)
    if recording.sid == call.discarded_recording_sid:
        return None  # the caller chose to record again; this take is not the complaint
    call.pending_recording_sid = recording.sid
    call.pending_recording_url = recording.url
    call.pending_recording_duration = recording.duration_seconds
    session.flush()
    if call.ended_at is not None:
        return _file(session, call, tz=tz, note=HUNG_UP_NOTE)
    return None


def recording_discarded(session: Session, call_sid: str) -> None:
    """The caller pressed "record again"."""
    call = _locked(session, call_sid)
    if call is not None and call.pending_recording_sid:
        call.discarded_recording_sid = call.pending_recording_sid
        call.pending_recording_sid = call.pending_recording_url = None
        call.pending_recording_duration = None
        session.flush()


def confirmed(session: Session, call_sid: str, *, tz: str) -> Filed | None:
    """The caller pressed "submit": the pending recording becomes a ticket. None when
    nothing was recorded (a replay after "record again")."""
    call = _locked(session, call_sid)
    if call is None:
        return None
    if call.pending_recording_sid is None:
        return _already_filed(session, call)
    return _file(session, call, tz=tz)


def ended(session: Session, call_sid: str, from_number: str | None, to_number: str | None,
          *, tz: str) -> Filed | None:
    """The call is over. A recording made but never confirmed is still filed."""
    call = _call(session, call_sid, from_number, to_number)
    call.ended_at = call.ended_at or utcnow()
    session.flush()
    if call.pending_recording_sid is None:
        return None
    return _file(session, call, tz=tz, note=HUNG_UP_NOTE)


def _ticket_of(session: Session, call: Call) -> Ticket | None:
    return session.scalar(select(Ticket).where(Ticket.call_id == call.id))


def _already_filed(session: Session, call: Call) -> Filed | None:
    ticket = _ticket_of(session, call)
    if ticket is None or not ticket.recordings:
        return None
    return Filed(ticket.number, ticket.recordings[-1].id, False)


def _file(session: Session, call: Call, *, tz: str, note: str | None = None) -> Filed | None:
    """Turn the pending recording into a ticket, exactly once.

    The conditional UPDATE is the claim: of two concurrent deliveries (the confirm and
    the call's end, or a retried callback), only the one whose UPDATE matched files; the
    other waits on the row, then finds the ticket the first one made."""
    sid, url = call.pending_recording_sid, call.pending_recording_url
    duration = call.pending_recording_duration
    assert sid is not None
    claimed = session.execute(
        update(Call).where(Call.id == call.id, Call.pending_recording_sid == sid)
        .values(pending_recording_sid=None, pending_recording_url=None,
                pending_recording_duration=None)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.refresh(call)
    if claimed != 1:
        existing = _filed_recording(session, sid)
        if existing is not None:
            return Filed(existing.ticket.number, existing.id, False)
        return _already_filed(session, call)
    ticket = _ticket_of(session, call)
    if ticket is None:
        ticket = create_ticket(
            session, channel=Channel.PHONE, actor=CALLER, tz=tz,
            category=session.get(Category, call.category_id) if call.category_id else None,
            anonim=call.anonim, reporter_phone=call.from_number, call=call,
            status=Status.RECORDED, transcription_status=TranscriptionStatus.PENDING,
            note=note,
        )
    session.flush()  # the ticket's id, for the recording row
    # Keyed on the RecordingSid: a racing delivery that set the same take pending again
    # (the recording callback and the <Record> action at once) adds nothing.
    recording_id = insert_ignore(session, Recording.__table__, {  # type: ignore[arg-type]
        "ticket_id": ticket.id, "recording_sid": sid, "source_url": url,
        "duration_seconds": duration, "status": "pending", "download_attempts": 0,
        "created_at": utcnow()}, ["recording_sid"])
    if recording_id is None:
        existing = _filed_recording(session, sid)
        assert existing is not None
        return Filed(existing.ticket.number, existing.id, False)
    session.expire(ticket, ["recordings"])
    recording = session.get_one(Recording, recording_id)
    events.publish(session, events.RecordingFiled(recording.id))
    return Filed(ticket.number, recording.id, True)
