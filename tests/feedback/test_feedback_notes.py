"""A reopening's recorded explanation in the recording pipeline: leases, the sweep,
failures; it never touches the complaint's transcript or the ticket's status."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from feedback import replies
from feedback.models import FeedbackChannel, Reopening
from feedback.replies import FeedbackPolicy
from media import recordings, reopening_notes, transcripts, work
from media.recordings import RecordingRef
from tests.notify.conftest import make_ticket
from tickets.clock import utcnow
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Recording, RecordingStatus, Status, TranscriptionStatus

TZ = "Asia/Jakarta"
CALL = "CA" + "5" * 32
SID = "RE" + "6" * 32


def _reopened(db):
    ticket = make_ticket(db)
    ticket.transcription_status = TranscriptionStatus.DONE
    transition(db, ticket, Status.FORWARDED, SYSTEM, tz=TZ)
    transition(db, ticket, Status.ANSWERED, SYSTEM, tz=TZ)
    replies.reopen(db, ticket, channel=FeedbackChannel.PHONE, policy=FeedbackPolicy(2, TZ),
                    call_sid=CALL)
    return ticket


@pytest.fixture
def note(db, peer, complaint_wav) -> Reopening:
    """A reopening whose note the (eager) download task fetched from the loopback peer;
    no speech engine here, so it is waiting again for the test's transcript."""
    ticket = _reopened(db)
    url = peer.add(SID, complaint_wav)
    reopening = reopening_notes.attach_recording(db, ticket, CALL, RecordingRef(SID, url, 4))
    db.commit()
    db.refresh(reopening)
    assert db.get(Recording, reopening.recording_id).status is RecordingStatus.STORED
    reopening.transcription_status = TranscriptionStatus.PENDING
    db.commit()
    return reopening


def test_a_note_is_filed_once_and_only_for_the_call_that_reopened(db, note):
    url = db.get(Recording, note.recording_id).source_url
    again = reopening_notes.attach_recording(db, note.ticket, CALL, RecordingRef(SID, url, 4))
    assert again.id == note.id
    assert reopening_notes.attach_recording(db, note.ticket, "CA" + "9" * 32,
                                           RecordingRef("RE" + "8" * 32, url, 1)) is None
    assert len(list(db.scalars(select(Recording)))) == 1


def test_a_stored_note_waiting_for_its_transcript_is_claimed_and_rescued(db, note):
    recording = db.get(Recording, note.recording_id)
    later = utcnow().replace(year=utcnow().year + 1)
    assert work.RECORDINGS.transcriptions_to_rescue(db, now=later) == [recording.id]
    assert transcripts.awaits_transcript(db, recording.id)
    assert work.RECORDINGS.claim_transcription(db, recording.id, "w1") is work.Claim.GRANTED
    transcripts.store_transcript(db, recording.id, {"text": "masih rusak", "engine": "t"},
                                 tz=TZ)
    transcripts.store_transcript(db, recording.id, {"text": "lain", "engine": "t"}, tz=TZ)
    db.commit()
    db.refresh(note)
    assert (note.transcription_status, note.transcript_text) == (
        TranscriptionStatus.DONE, "masih rusak")
    assert not transcripts.awaits_transcript(db, recording.id)
    assert work.RECORDINGS.transcriptions_to_rescue(db, now=later) == []
    assert note.ticket.transcript is None and note.ticket.status is Status.REOPENED


def test_a_note_that_cannot_be_downloaded_leaves_the_ticket_alone(db):
    ticket = _reopened(db)
    url = f"https://api.twilio.com/2010-04-01/Accounts/AC{'0' * 32}/Recordings/{SID}"
    note = reopening_notes.attach_recording(db, ticket, CALL, RecordingRef(SID, url, 4))
    # Failed for good before this commits: the download queued after it finds nothing.
    recordings.record_download_failure(db, note.recording_id, "404", permanent=True, tz=TZ)
    db.commit()
    db.refresh(note)
    assert note.transcription_status is TranscriptionStatus.FAILED
    assert db.get(Recording, note.recording_id).status is RecordingStatus.FAILED
    assert note.ticket.transcription_status is TranscriptionStatus.DONE
    assert note.ticket.status is Status.REOPENED


def test_a_failed_or_manual_note_transcription_stays_on_the_note(db, note):
    transcripts.mark_transcription_manual(db, note.recording_id, tz=TZ)
    db.refresh(note)
    assert note.transcription_status is TranscriptionStatus.MANUAL
    note.transcription_status = TranscriptionStatus.PENDING
    transcripts.mark_transcription_failed(db, note.recording_id, "rusak", tz=TZ)
    db.refresh(note)
    assert (note.transcription_status, note.transcription_error) == (
        TranscriptionStatus.FAILED, "rusak")
    assert note.ticket.transcription_status is TranscriptionStatus.DONE
