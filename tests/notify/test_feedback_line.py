"""'Is it fixed?' on the status line: the reporter's keys after the answer (ivr/feedback.py)."""

from __future__ import annotations

from sqlalchemy import select

from feedback.models import FeedbackChannel, Reopening, TicketRating
from tickets.models import Recording, RecordingStatus, Status, TranscriptionStatus

from .conftest import POKJA_WA, make_ticket, rows

S = Status
QUESTION = "Jika masalah Anda sudah selesai, tekan 1. Jika belum selesai, tekan 2."
RATE = "Beri nilai layanan kami, 1 sampai 5"
EXPLAIN = "Setelah nada, jelaskan apa yang belum selesai"


def _answered(db, move, **kw):
    ticket = make_ticket(db, **kw)
    move(ticket, S.FORWARDED, S.ANSWERED, answer="Jalan sudah ditambal.")
    return ticket


def test_the_reporter_hears_the_question_after_the_answer_and_rates_with_1(
        db, move, place_call):
    ticket = _answered(db, move)
    result = place_call("2", ticket.number + "#", "1", "4")
    heard = result.transcript
    assert heard.index("Jawaban atas pengaduan Anda") < heard.index(QUESTION)
    assert RATE in heard and "Terima kasih atas penilaian Anda" in heard
    assert result.ended == "hangup"
    db.expire_all()
    assert db.get(type(ticket), ticket.id).status is S.CLOSED
    rating = db.scalars(select(TicketRating)).one()
    assert (rating.rating, rating.channel) == (4, FeedbackChannel.PHONE)


def test_a_rating_outside_1_to_5_is_asked_again_then_the_call_ends(db, move, place_call):
    ticket = _answered(db, move)
    result = place_call("2", ticket.number + "#", "1", "9", "0", "3")
    assert result.heard.count("Maaf, pilihan Anda tidak tersedia.") == 2
    assert sum(RATE in line for line in result.heard) == 3
    db.expire_all()
    assert db.scalars(select(TicketRating)).one().rating == 3
    # Three wrong or silent answers: a polite goodbye, the ticket closed without a rating.
    other = _answered(db, move)
    result = place_call("2", other.number + "#", "1", "6", "-", "#")
    assert "belum dapat memproses" in result.heard[-1]
    db.expire_all()
    assert db.get(type(other), other.id).status is S.CLOSED
    assert db.scalars(select(TicketRating).where(TicketRating.ticket_id == other.id)
                      ).one().rating is None


def test_2_reopens_to_the_same_pokja_with_the_recorded_explanation(
        db, move, place_call, complaint_wav, twilio, settings):
    ticket = _answered(db, move)
    pokja_id = ticket.pokja_id
    twilio.accepted.clear()
    result = place_call("2", ticket.number + "#", "2", recordings=[complaint_wav])
    assert EXPLAIN in result.transcript and "kami buka kembali" in result.transcript
    db.expire_all()
    ticket = db.get(type(ticket), ticket.id)
    assert ticket.status is S.REOPENED and ticket.pokja_id == pokja_id
    reopening = db.scalars(select(Reopening)).one()
    assert reopening.call_sid == result.call_sid and reopening.seq == 1
    recording = db.get(Recording, reopening.recording_id)
    assert recording.recording_sid == result.recording_sids[0]
    # Downloaded like a complaint's recording; SPEECH_ENGINE=none here: typed by hand.
    assert recording.status is RecordingStatus.STORED
    assert (settings.recordings_dir / recording.path).is_file()
    assert reopening.transcription_status is TranscriptionStatus.MANUAL
    # The complaint's own transcript status is left alone.
    assert ticket.transcription_status is TranscriptionStatus.NONE
    # The pokja is alerted once (WhatsApp here; the e-mail too), whatever the callbacks.
    alerts = rows(db, event="reopened")
    assert sorted(m.channel for m in alerts) == ["email", "whatsapp"]
    assert len(twilio.sent(to=f"whatsapp:{POKJA_WA}")) == 1


def test_a_retried_2_reopens_once(db, move, place_call, signed_post):
    ticket = _answered(db, move)
    call_sid = "CA" + "7" * 32
    params = {"CallSid": call_sid, "From": "+6281234567890", "To": "+62215550112",
              "Digits": "2"}
    for _ in range(2):
        response = signed_post(f"/ivr/menu/fixed/choose?attempt=0&ticket={ticket.number}",
                               params)
        assert response.status_code == 200 and "feedback/record" in response.text
    db.expire_all()
    assert len(list(db.scalars(select(Reopening)))) == 1
    assert len(rows(db, event="reopened#2")) == 0


def test_a_caller_from_another_number_is_not_asked(db, move, place_call):
    ticket = _answered(db, move)
    # Skipping the last-four-digits question (*), or answering it: the details, but the
    # "is it fixed?" question is for the reporter's own phone only.
    for second_factor in ("*", "7890#"):
        heard = place_call("2", ticket.number + "#", second_factor, "2", "hangup",
                           from_number="+6289999999999").transcript
        assert QUESTION not in heard
        assert "Untuk menanyakan tiket lain, tekan 1" in heard
    db.expire_all()
    assert db.get(type(ticket), ticket.id).status is S.ANSWERED


def test_a_crafted_request_from_another_number_changes_nothing(db, move, signed_post):
    ticket = _answered(db, move)
    response = signed_post(f"/ivr/menu/fixed/choose?attempt=0&ticket={ticket.number}", {
        "CallSid": "CA" + "8" * 32, "From": "+6289999999999", "To": "+62215550112",
        "Digits": "2"})
    assert response.status_code == 200
    db.expire_all()
    assert db.get(type(ticket), ticket.id).status is S.ANSWERED


def test_a_ticket_not_yet_answered_gets_no_question(db, move, place_call):
    ticket = make_ticket(db)
    move(ticket, S.FORWARDED)
    assert QUESTION not in place_call("2", ticket.number + "#", "hangup").transcript


def test_wrong_or_no_key_repeats_the_question_twice_then_goodbye(db, move, place_call):
    ticket = _answered(db, move)
    result = place_call("2", ticket.number + "#", "5", "-", "9")
    assert result.heard.count(QUESTION) == 3
    assert "belum dapat memproses" in result.heard[-1]
    db.expire_all()
    assert db.get(type(ticket), ticket.id).status is S.ANSWERED


def test_an_empty_explanation_still_leaves_the_ticket_reopened(db, move, place_call):
    ticket = _answered(db, move)
    result = place_call("2", ticket.number + "#", "2", recordings=[None, None, None])
    assert result.transcript.count(EXPLAIN) == 3
    assert "kami buka kembali" in result.heard[-2]
    db.expire_all()
    assert db.get(type(ticket), ticket.id).status is S.REOPENED
    assert db.scalars(select(Reopening)).one().recording_id is None


def test_a_reopened_ticket_is_said_reopened_and_asks_nothing(db, move, place_call,
                                                             complaint_wav):
    ticket = _answered(db, move)
    place_call("2", ticket.number + "#", "2", recordings=[complaint_wav])
    heard = place_call("2", ticket.number + "#", "hangup").transcript
    assert "dibuka kembali" in heard and QUESTION not in heard


def test_the_answer_sms_asks_the_reporter_to_reply_1_or_2(db, move, twilio):
    ticket = _answered(db, move)
    (sms,) = [m for m in rows(db, event="answered") if m.channel == "sms"]
    assert "Balas 1 jika sudah selesai, 2 jika belum." in sms.body
    assert ticket.number in sms.body


def test_keys_for_a_ticket_closed_meanwhile_end_the_call_politely(db, move, signed_post):
    ticket = _answered(db, move)
    move(ticket, S.CLOSED)  # the sweep closed it while the caller listened
    params = {"CallSid": "CA" + "6" * 32, "From": "+6281234567890", "To": "+62215550112"}
    for menu, digit in (("fixed", "1"), ("fixed", "2"), ("rate", "5")):
        response = signed_post(f"/ivr/menu/{menu}/choose?attempt=0&ticket={ticket.number}",
                               {**params, "Digits": digit})
        assert response.status_code == 200 and "<Hangup" in response.text
    db.expire_all()
    assert db.scalars(select(TicketRating)).all() == []
    assert db.scalars(select(Reopening)).all() == []
