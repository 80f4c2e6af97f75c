"""Filing a complaint by phone, end to end through the call simulator."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import func, select

from tickets import numbering
from tickets.models import Call, Recording, RecordingStatus, Status, Ticket, TranscriptionStatus

FILE = ("1", "1", "2")  # complaint, first category, not anonymous


def _ticket(db, number: str) -> Ticket:
    db.expire_all()
    return db.scalars(select(Ticket).where(Ticket.number == number)).one()


def test_a_caller_files_a_complaint_and_hears_the_number_twice(place_call, complaint_wav, db,
                                                               settings):
    result = place_call(*FILE, "1", recordings=[complaint_wav])

    number = result.ticket_number
    assert number is not None and numbering.is_valid(number)
    assert result.digits_heard.count(number) == 2
    assert "Pemerintah Kabupaten Uji" in result.heard[0]
    assert "direkam" in result.heard[0]
    assert result.ended == "hangup"

    ticket = _ticket(db, number)
    assert ticket.category is not None and ticket.category.name == "Jalan dan jembatan"
    assert ticket.pokja is not None and ticket.pokja.code == "PUPR"
    assert ticket.anonim is False
    assert ticket.reporter_phone == "+6281234567890"
    # No speech engine in these tests: the ticket waits for a human transcription.
    assert ticket.status is Status.AWAITING_VERIFICATION
    assert ticket.transcription_status is TranscriptionStatus.MANUAL
    assert ticket.verify_due_at is not None and ticket.verify_due_at > ticket.created_at

    recording = ticket.recordings[0]
    assert recording.status is RecordingStatus.STORED
    stored = settings.recordings_dir / recording.path
    assert stored.read_bytes() == complaint_wav.read_bytes()
    assert recording.sha256 == hashlib.sha256(complaint_wav.read_bytes()).hexdigest()
    assert recording.duration_seconds and recording.duration_seconds > 2
    kinds = [e.kind for e in ticket.events]
    assert kinds[0] == "created"
    assert [e.to_status for e in ticket.events if e.kind == "transition"] == [
        "awaiting_verification"
    ]


def test_the_anonim_choice_is_kept_on_the_ticket(place_call, complaint_wav, db):
    result = place_call("1", "2", "1", "1", recordings=[complaint_wav])
    ticket = _ticket(db, result.ticket_number)
    assert ticket.anonim is True
    assert ticket.category.name == "Layanan kesehatan"


def test_the_ticket_number_is_read_digit_by_digit_in_indonesian(live_server, signed_post, db):
    call = {"CallSid": "CA" + "7" * 32, "From": "+628111", "To": "+62215550112"}
    body = signed_post("/ivr/voice", call).text
    assert 'language="id-ID"' in body
    assert 'voice="Google.id-ID-Standard-A"' in body
    assert "<Gather" in body and 'numDigits="1"' in body


def test_an_empty_recording_asks_the_caller_to_record_again(place_call, complaint_wav, db):
    result = place_call(*FILE, "1", recordings=[None, complaint_wav])
    assert any("tidak mendengar rekaman" in line for line in result.heard)
    assert result.ticket_number is not None
    assert db.scalar(select(func.count()).select_from(Ticket)) == 1


def test_recording_again_keeps_only_the_second_take(place_call, complaint_wav, db, tmp_path):
    first = tmp_path / "first.wav"
    first.write_bytes(complaint_wav.read_bytes())
    result = place_call(*FILE, "2", "1", recordings=[first, complaint_wav])
    ticket = _ticket(db, result.ticket_number)
    assert len(ticket.recordings) == 1
    assert ticket.recordings[0].recording_sid == result.recording_sids[1]


def test_three_empty_recordings_end_the_call_politely(place_call, db):
    result = place_call(*FILE, recordings=[None, None, None])
    assert "belum dapat memproses" in result.heard[-1]
    assert result.ticket_number is None
    assert db.scalar(select(func.count()).select_from(Ticket)) == 0


def test_a_caller_who_hangs_up_before_confirming_still_leaves_a_ticket(place_call, complaint_wav,
                                                                       db):
    result = place_call(*FILE, "hangup", recordings=[complaint_wav])
    assert result.ticket_number is None  # never heard one
    ticket = db.scalars(select(Ticket)).one()
    assert ticket.recordings[0].recording_sid == result.recording_sids[0]
    assert "sebelum mengonfirmasi" in (ticket.events[0].note or "")


def test_a_replayed_confirmation_and_recording_callback_add_nothing(
    place_call, complaint_wav, db, signed_post, peer
):
    result = place_call(*FILE, "1", recordings=[complaint_wav])
    sid = result.recording_sids[0]
    params = {"CallSid": result.call_sid, "From": "+6281234567890", "To": "+62215550112",
              "Digits": "1"}
    replay = signed_post("/ivr/menu/confirm/choose?attempt=0", params)
    assert replay.status_code == 200
    assert result.ticket_number in replay.text  # the same number again
    url = db.scalars(select(Recording.source_url)).one()
    callback = {"CallSid": result.call_sid, "RecordingSid": sid, "RecordingStatus": "completed",
                "RecordingUrl": url}
    assert signed_post("/ivr/recording-status", callback).status_code == 204
    assert signed_post("/ivr/voice", {"CallSid": result.call_sid}).status_code == 200

    assert db.scalar(select(func.count()).select_from(Ticket)) == 1
    assert db.scalar(select(func.count()).select_from(Recording)) == 1
    assert db.scalar(select(func.count()).select_from(Call)) == 1
    assert peer.recordings[sid].hits == 1  # stored once, never fetched again


def test_a_recording_that_is_not_ready_yet_is_fetched_on_retry(place_call, complaint_wav, db):
    result = place_call(*FILE, "1", recordings=[complaint_wav], recording_ready_after=2)
    ticket = _ticket(db, result.ticket_number)
    assert ticket.recordings[0].status is RecordingStatus.STORED
    assert ticket.recordings[0].download_attempts == 3


def test_a_failing_download_still_leaves_a_ticket_an_agent_can_handle(
    place_call, complaint_wav, db, peer, monkeypatch
):
    original_add = peer.add
    monkeypatch.setattr(peer, "add", lambda sid, path, **kw: original_add(
        sid, path, always_status=500))
    result = place_call(*FILE, "1", recordings=[complaint_wav])
    assert result.ticket_number is not None  # the caller is not made to wait for the download

    ticket = _ticket(db, result.ticket_number)
    recording = ticket.recordings[0]
    assert recording.status is RecordingStatus.FAILED
    assert recording.download_attempts == 9  # the first try and eight retries
    assert ticket.status is Status.AWAITING_VERIFICATION
    assert ticket.transcription_status is TranscriptionStatus.FAILED
    assert "tidak dapat diunduh" in (ticket.transcription_error or "")


def test_recordings_are_fetched_with_the_account_credentials(place_call, complaint_wav, peer):
    assert peer.auth_token  # the peer answers 401 without basic auth
    result = place_call(*FILE, "1", recordings=[complaint_wav])
    assert peer.recordings[result.recording_sids[0]].fetched


def test_recording_is_configured_as_the_issue_asks(signed_post):
    body = signed_post("/ivr/record", {"CallSid": "CA" + "8" * 32}).text
    for attribute in ('finishOnKey="#"', 'maxLength="180"', 'playBeep="true"',
                      'trim="trim-silence"', 'recordingStatusCallback="/ivr/recording-status"'):
        assert attribute in body


def test_the_simulated_recording_path_is_a_real_file(complaint_wav: Path):
    assert complaint_wav.stat().st_size > 1000



def test_a_paced_call_spends_a_real_calls_time_and_hears_its_number_after_speaking(
        place_call, complaint_wav):
    """The simulator at a real call's pace (benchmarks/pipeline.py --realtime): each prompt
    for as long as it is spoken, the complaint for its recording's length, then the
    ticket number read back while the hotline already has the recording."""
    import wave

    from devtools.call_simulator import spoken_seconds

    paced: list[float] = []
    result = place_call(*FILE, "1", recordings=[complaint_wav], pace=paced.append)

    with wave.open(str(complaint_wav)) as wav:
        speaking = max(1, round(wav.getnframes() / wav.getframerate()))
    spoken = [spoken_seconds(line) for line in result.heard if not line.startswith("[audio")]
    at = paced.index(speaking)
    assert paced[:at] + paced[at + 1:] == spoken
    digits = " ".join(result.ticket_number or "")
    assert digits and any(digits in line for line in result.heard[at:])
