"""Every /messaging request must carry Twilio's signature; a retried MessageSid gets the
same reply and adds nothing; a form Twilio would never send writes nothing."""

from __future__ import annotations

import requests
from sqlalchemy import func, select

from devtools.chat_simulator import ticket_number
from messaging.models import Conversation, InboundMessage
from notify.models import OutboxMessage, OutboxStatus
from tickets.models import Ticket


def _count(db, model) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


def test_an_unsigned_message_gets_403_and_writes_nothing(live_server, citizen, db):
    form = citizen().form("Halo")
    response = requests.post(f"{live_server}/messaging/inbound", data=form, timeout=5)
    assert response.status_code == 403
    assert _count(db, Conversation) == 0 and _count(db, InboundMessage) == 0


def test_a_forged_signature_gets_403(citizen, db):
    chat = citizen(whatsapp=True)
    response = chat.post("/messaging/inbound", chat.form("Halo"), token="forged-token")
    assert response.status_code == 403
    assert _count(db, InboundMessage) == 0


def test_a_tampered_body_breaks_the_signature(live_server, citizen, settings, db):
    from twilio.request_validator import RequestValidator

    chat = citizen()
    form = chat.form("Halo")
    url = f"{live_server}/messaging/inbound"
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(url, form)
    response = requests.post(url, data={**form, "Body": "STATUS 12345678"},
                             headers={"X-Twilio-Signature": signature}, timeout=5)
    assert response.status_code == 403


def test_the_status_callback_checks_the_signature_too(live_server, citizen):
    chat = citizen()
    form = {"MessageSid": "SM" + "1" * 32, "MessageStatus": "delivered"}
    assert requests.post(f"{live_server}/messaging/status", data=form,
                         timeout=5).status_code == 403
    assert chat.post("/messaging/status", form, token="forged").status_code == 403
    assert chat.post("/messaging/status", form).status_code == 204


def test_a_malformed_message_sid_or_sender_gets_400_and_writes_nothing(citizen, db):
    chat = citizen()
    for bad in ({"MessageSid": "SM123"}, {"MessageSid": "XX" + "1" * 32},
                {"From": "client:anonymous"}, {"NumMedia": "many"}, {"NumMedia": "11"}):
        response = chat.post("/messaging/inbound", {**chat.form("Halo"), **bad})
        assert response.status_code == 400, bad
    assert _count(db, InboundMessage) == 0


def test_a_replayed_message_sid_gets_the_same_reply_and_adds_nothing(citizen, db):
    chat = citizen(whatsapp=True)
    for text in ("Halo", "1", "1", "2", "Jalan rusak di Sukamaju"):
        chat.send(text)
    done = chat.send("SELESAI")
    number = ticket_number(done.replies)
    messages = _count(db, InboundMessage)
    for _ in range(2):
        replay = chat.send("SELESAI", message_sid=done.message_sid)
        assert replay.replies == done.replies
    # The content message replayed: not a second copy of the text either.
    assert _count(db, InboundMessage) == messages
    assert _count(db, Ticket) == 1
    assert number is not None


def test_the_delivery_status_callback_updates_the_outbox_row(citizen, db):
    row = OutboxMessage(channel="whatsapp", recipient="+6281234567890", body="x", event="t",
                        idempotency_key="t:1", status=OutboxStatus.SENT, attempts=1,
                        provider_id="SM" + "a" * 32)
    db.add(row)
    db.commit()
    chat = citizen()
    response = chat.post("/messaging/status", {"MessageSid": "SM" + "a" * 32,
                                               "MessageStatus": "undelivered",
                                               "ErrorCode": "63016"})
    assert response.status_code == 204
    db.expire_all()
    row = db.get(OutboxMessage, row.id)
    assert row.status is OutboxStatus.FAILED and "63016" in (row.last_error or "")
