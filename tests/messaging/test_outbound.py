"""Updates go back on the channel the reporter used, through the outbox, exactly once:
WhatsApp inside the 24-hour window, the approved template outside it, else SMS to a
mobile number, else held with the reason; SMS tickets get SMS; BERHENTI stops it all.
On the loopback Twilio REST peer."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from devtools.chat_simulator import ticket_number
from messaging.models import Conversation
from notify.models import OutboxMessage, OutboxStatus
from tests.notify.conftest import notify_env
from tickets.clock import utcnow
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Status, Ticket

MOBILE = "+6281234567890"
LANDLINE = "+62215550123"
TEMPLATE = "HX" + "c" * 32


@pytest.fixture
def extra_env(request) -> dict[str, str]:
    return getattr(request, "param", {})


@pytest.fixture
def env_overrides(twilio, mailbox, extra_env) -> dict[str, str]:
    return {**notify_env(twilio, mailbox), **extra_env}


def _file(citizen, db, **options) -> Ticket:
    chat = citizen(**options)
    for text in ("Halo", "1", "1", "2", "Jembatan desa Sukamaju retak."):
        chat.send(text)
    number = ticket_number(chat.send("SELESAI").replies)
    db.expire_all()
    return db.scalars(select(Ticket).where(Ticket.number == number)).one()


def _forward(db, ticket: Ticket) -> None:
    transition(db, ticket, Status.FORWARDED, SYSTEM, tz="Asia/Jakarta")
    db.commit()


def _age(db, hours: int) -> None:
    for conv in db.scalars(select(Conversation)):
        conv.last_inbound_at = utcnow() - timedelta(hours=hours)
    db.commit()


def _reporter_rows(db, ticket: Ticket) -> list[OutboxMessage]:
    db.expire_all()
    return [r for r in db.scalars(select(OutboxMessage).where(
        OutboxMessage.ticket_id == ticket.id).order_by(OutboxMessage.id))
        if r.recipient in (MOBILE, LANDLINE)]


def test_inside_the_window_a_whatsapp_ticket_is_answered_on_whatsapp(citizen, db, twilio):
    ticket = _file(citizen, db, whatsapp=True)
    _forward(db, ticket)
    sent = twilio.sent(to=f"whatsapp:{MOBILE}")
    assert len(sent) == 1 and f"STATUS {ticket.number}" in sent[0]["body"]
    assert twilio.sent(to=MOBILE) == []
    [row] = _reporter_rows(db, ticket)
    assert row.channel == "whatsapp" and row.status is OutboxStatus.SENT


@pytest.mark.parametrize("extra_env", [{"TWILIO_WHATSAPP_TEMPLATE_SID": TEMPLATE}],
                         indirect=True)
def test_outside_the_window_the_template_is_used(citizen, db, twilio):
    ticket = _file(citizen, db, whatsapp=True)
    _age(db, 25)
    _forward(db, ticket)
    posts = [form for method, _, form in twilio.requests
             if method == "POST" and form.get("To") == f"whatsapp:{MOBILE}"]
    assert len(posts) == 1
    assert posts[0]["ContentSid"] == TEMPLATE and "Body" not in posts[0]
    variables = json.loads(posts[0]["ContentVariables"])
    assert ticket.number in variables["1"]
    [row] = _reporter_rows(db, ticket)
    assert row.channel == "wa_template" and row.status is OutboxStatus.SENT


def test_outside_the_window_without_a_template_a_mobile_gets_sms(citizen, db, twilio):
    ticket = _file(citizen, db, whatsapp=True)
    _age(db, 25)
    _forward(db, ticket)
    assert twilio.sent(to=f"whatsapp:{MOBILE}") == []
    assert len(twilio.sent(to=MOBILE)) == 1


def test_outside_the_window_a_landline_without_a_template_is_held(citizen, db, twilio):
    ticket = _file(citizen, db, whatsapp=True, from_number=LANDLINE)
    _age(db, 25)
    _forward(db, ticket)
    [row] = _reporter_rows(db, ticket)
    assert row.status is OutboxStatus.HELD and "24 jam" in (row.last_error or "")
    assert row.channel == "wa_template"  # released by the outbox sweep once one is set
    assert twilio.sent(to=f"whatsapp:{LANDLINE}") == [] and twilio.sent(to=LANDLINE) == []


def test_an_sms_ticket_is_answered_by_sms_once(citizen, db, twilio):
    ticket = _file(citizen, db)
    _forward(db, ticket)
    from notify.tasks import sweep

    sweep.apply()
    sent = twilio.sent(to=MOBILE)
    assert len(sent) == 1 and f"STATUS {ticket.number}" in sent[0]["body"]


def test_berhenti_means_no_more_updates(citizen, db, twilio):
    ticket = _file(citizen, db, whatsapp=True)
    chat = citizen(whatsapp=True)
    assert "tidak akan lagi" in chat.send("STOP").replies[0]
    db.expire_all()
    _forward(db, db.get(Ticket, ticket.id))
    assert twilio.sent(to=f"whatsapp:{MOBILE}") == [] and twilio.sent(to=MOBILE) == []
    assert _reporter_rows(db, ticket) == []
