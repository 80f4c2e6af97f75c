"""A rejected ticket is not a dead end: the reporter hears on the status line and reads by
SMS the original ticket's number (a duplicate) or the reason and the call centre's
message, within the privacy rules."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from accounts.models import User
from tickets import workflow
from tickets.models import Status

from .conftest import CALLER, make_ticket, rows

S = Status
TZ = "Asia/Jakarta"
MESSAGE = "Jalan provinsi: silakan lapor ke UPT Jalan Provinsi, telepon 021-555-0123."


@pytest.fixture
def operator(db):
    return db.scalars(select(User).where(User.username == "operator")).one()


def _reject(db, operator, ticket, message: str | None = MESSAGE) -> None:
    workflow.reject(db, operator, ticket.number, "not_our_authority", "Catatan internal: x.",
                    reporter_message=message, version=None, tz=TZ)
    db.commit()


def _duplicate(db, operator, ticket, original) -> None:
    workflow.mark_duplicate(db, operator, ticket.number, original.number, version=None, tz=TZ)
    db.commit()


def _listen(place_call, number: str):  # type: ignore[no-untyped-def]
    return place_call("2", number + "#", "hangup")


def test_a_duplicates_reporter_hears_the_original_number_digit_by_digit(
        db, operator, place_call):
    original = make_ticket(db, whatsapp=None, phone="+6281200000001")
    copy = make_ticket(db, whatsapp=None)
    _duplicate(db, operator, copy, original)
    call = _listen(place_call, copy.number)
    # Its own number, then the original's, read as digits (say-as), twice.
    assert call.digits_heard == [copy.number, original.number, original.number]
    assert "sama dengan pengaduan yang sudah kami terima sebelumnya" in call.transcript
    assert "tidak dapat kami tindak lanjuti" not in call.transcript


def test_a_duplicates_reporter_gets_an_sms_naming_the_original(db, operator, twilio):
    original = make_ticket(db, whatsapp=None, phone="+6281200000001")
    copy = make_ticket(db, whatsapp=None)
    _duplicate(db, operator, copy, original)
    (sms,) = twilio.sent(to=CALLER)
    assert f"nomor {copy.number} sama dengan pengaduan nomor {original.number}" in sms["body"]
    assert f"masukkan nomor {original.number}" in sms["body"]
    assert [r.event for r in rows(db, channel="sms")] == ["rejected"]


def test_a_rahasia_original_is_never_pointed_to(db, operator, place_call, twilio):
    original = make_ticket(db, whatsapp=None, phone=None, rahasia=True)
    copy = make_ticket(db, whatsapp=None)
    _duplicate(db, operator, copy, original)
    call = _listen(place_call, copy.number)
    assert original.number not in call.digits_heard
    assert "sedang kami tangani" in call.transcript
    (sms,) = twilio.sent(to=CALLER)
    assert original.number not in sms["body"] and "sedang kami tangani" in sms["body"]


def test_a_rejection_gives_its_reason_and_the_message_for_the_reporter(
        db, operator, place_call, twilio):
    ticket = make_ticket(db, whatsapp=None)
    _reject(db, operator, ticket)
    heard = _listen(place_call, ticket.number).transcript
    assert "tidak dapat kami tindak lanjuti" in heard and "Alasannya: Bukan wewenang." in heard
    assert f"Pesan dari petugas kami: {MESSAGE}" in heard
    assert "menekan 0" in heard
    assert "Catatan internal" not in heard  # the operator's own note is never told
    (sms,) = twilio.sent(to=CALLER)
    assert "tidak dapat kami tindak lanjuti. Alasan: Bukan wewenang." in sms["body"]
    assert MESSAGE in sms["body"] and "Catatan internal" not in sms["body"]


def test_a_rahasia_rejection_gives_the_reason_but_not_the_message(
        db, operator, place_call, twilio):
    ticket = make_ticket(db, whatsapp=None, rahasia=True)
    _reject(db, operator, ticket)
    heard = _listen(place_call, ticket.number).transcript
    assert "Alasannya: Bukan wewenang." in heard and "UPT Jalan" not in heard
    (sms,) = twilio.sent(to=CALLER)
    assert "Alasan: Bukan wewenang." in sms["body"] and "UPT Jalan" not in sms["body"]


def test_a_reporter_who_opted_out_gets_no_rejection_sms(db, operator, twilio):
    ticket = make_ticket(db, whatsapp=None, opt_out=True)
    _reject(db, operator, ticket)
    assert twilio.sent(to=CALLER) == [] and rows(db, channel="sms") == []


def test_a_message_for_the_reporter_fits_an_sms(db, operator):
    from tickets.errors import InvalidInput

    ticket = make_ticket(db, whatsapp=None)
    with pytest.raises(InvalidInput) as refused:
        _reject(db, operator, ticket, message="x" * 301)
    assert refused.value.field == "reporter_message"


@pytest.fixture
def voice(env_overrides: dict[str, str]) -> None:
    env_overrides.update(NOTIFY_VOICE_UPDATES="true")


@pytest.mark.usefixtures("voice")
def test_the_voice_update_reads_the_original_number_digit_by_digit(db, operator, twilio):
    original = make_ticket(db, whatsapp=None, phone="+6281200000001")
    copy = make_ticket(db, whatsapp=None)
    _duplicate(db, operator, copy, original)
    (call,) = twilio.sent("Calls", to=CALLER)
    twiml = call["twiml"]
    # The message may be said more than once; each time the original's number twice.
    assert twiml.count(" ".join(original.number)) == 2 * twiml.count(" ".join(copy.number)) > 0
    assert "sama dengan pengaduan yang sudah kami terima" in call["twiml"]
