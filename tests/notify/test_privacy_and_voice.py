"""Who may hear what: anonim, rahasia, opt-out, no phone; voice updates when asked."""

from __future__ import annotations

import pytest

from notify.models import OutboxStatus
from tickets import services
from tickets.models import Status

from .conftest import CALLER, POKJA_WA, SMS_FROM, make_ticket, rows

S = Status


def _mail_text(mailbox) -> str:
    (mail,) = mailbox.messages
    return mail.get_payload(decode=True).decode()


def test_the_pokja_email_names_the_reporter_of_an_ordinary_ticket(db, move, mailbox):
    move(make_ticket(db), S.FORWARDED)
    text = _mail_text(mailbox)
    assert "Budi Santoso" in text and CALLER in text
    assert "berlubang besar" in text


def test_an_anonymous_reporter_is_never_named_to_the_pokja_but_still_gets_sms(
        db, move, mailbox, twilio):
    move(make_ticket(db, anonim=True), S.FORWARDED)
    text = _mail_text(mailbox)
    assert "Budi" not in text and CALLER not in text and "anonim" in text
    (wa,) = twilio.sent(to=f"whatsapp:{POKJA_WA}")
    assert "Budi" not in wa["body"] and CALLER not in wa["body"]
    assert len(twilio.sent(to=CALLER)) == 1  # anonim hides identity; it is not an opt-out


def test_a_rahasia_complaint_keeps_its_content_out_of_every_message(db, move, mailbox, twilio):
    move(make_ticket(db, rahasia=True), S.FORWARDED, S.ANSWERED, answer="Rahasia negara.")
    text = _mail_text(mailbox)
    assert "berlubang" not in text and "rahasia" in text
    assert all("berlubang" not in m["body"] and "Rahasia negara" not in m["body"]
               for m in twilio.accepted)


def test_whatsapp_alerts_never_carry_the_complaint_text(db, move, twilio):
    move(make_ticket(db), S.FORWARDED)
    (wa,) = twilio.sent(to=f"whatsapp:{POKJA_WA}")
    assert "berlubang" not in wa["body"] and "Jalan dan jembatan" in wa["body"]


def test_a_caller_who_opted_out_receives_nothing_while_the_pokja_is_still_alerted(
        db, move, twilio, mailbox):
    move(make_ticket(db, opt_out=True), S.FORWARDED, S.ANSWERED, S.CLOSED)
    assert twilio.sent(to=CALLER) == []
    assert len(mailbox.messages) == 1 and len(twilio.sent(to=f"whatsapp:{POKJA_WA}")) == 1
    assert {r.channel for r in rows(db)} == {"email", "whatsapp"}


def test_a_ticket_without_a_reporter_phone_sends_no_sms(db, move, twilio):
    move(make_ticket(db, phone=None, whatsapp=None), S.FORWARDED)
    assert twilio.sent(to=CALLER) == [] and [r.channel for r in rows(db)] == ["email"]


def test_opting_out_later_cancels_what_has_not_gone_out(db, move, twilio):
    twilio.fail_next(1)  # the SMS waits for its retry
    ticket = make_ticket(db, whatsapp=None)
    move(ticket, S.FORWARDED)
    assert rows(db, channel="sms")[0].status is OutboxStatus.PENDING
    services.stop_contact(db, ticket)
    db.commit()
    assert rows(db, channel="sms")[0].status is OutboxStatus.CANCELLED
    move(ticket, S.ANSWERED)
    assert rows(db, channel="sms") == rows(db, status=OutboxStatus.CANCELLED)


@pytest.fixture
def voice(env_overrides: dict[str, str]) -> None:
    env_overrides.update(NOTIFY_VOICE_UPDATES="true", AGENCY_NAME="Pemkab Foo & Bar",
                         PUBLIC_BASE_URL="https://hotline.example.id")


@pytest.mark.usefixtures("voice")
def test_voice_updates_call_the_caller_with_escaped_indonesian_twiml(db, move, twilio):
    ticket = make_ticket(db, whatsapp=None)
    move(ticket, S.FORWARDED)
    (call,) = twilio.sent("Calls", to=CALLER)
    assert call["from"] == SMS_FROM
    twiml = call["twiml"]
    assert twiml.startswith("<?xml") and "<Response>" in twiml and "<Hangup" in twiml
    assert 'language="id-ID"' in twiml and 'voice="Google.id-ID-Standard-A"' in twiml
    assert "Pemkab Foo &amp; Bar" in twiml and "Foo & Bar" not in twiml
    assert " ".join(ticket.number) in twiml
    assert "diteruskan ke kelompok kerja" in twiml
    voice_row = rows(db, channel="voice")[0]
    assert voice_row.status is OutboxStatus.SENT and voice_row.provider_id == call["sid"]
    assert call["status_callback"] == f"https://hotline.example.id/notify/status?m={voice_row.id}"
    sms_row = rows(db, channel="sms")[0]
    (sms,) = twilio.sent(to=CALLER)
    assert sms["status_callback"] == f"https://hotline.example.id/notify/status?m={sms_row.id}"


def test_without_voice_updates_nobody_is_called(db, move, twilio):
    move(make_ticket(db), S.FORWARDED)
    assert twilio.sent("Calls") == []
