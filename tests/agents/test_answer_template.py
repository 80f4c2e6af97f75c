"""Outside WhatsApp's 24-hour window, with an approved template configured, the desk's
message to a WhatsApp reporter goes as that template (ContentSid), never free-form."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from messaging.models import Conversation
from notify.models import OutboxMessage
from tests.notify.conftest import notify_env
from tickets.clock import utcnow
from tickets.lifecycle import SYSTEM
from tickets.models import Channel
from tickets.services import create_ticket

CALLER = "+6281234567890"
TEMPLATE = "HX" + "0123456789abcdef" * 2


@pytest.fixture
def env_overrides(twilio, mailbox) -> dict[str, str]:
    return {**notify_env(twilio, mailbox), "TWILIO_WHATSAPP_TEMPLATE_SID": TEMPLATE}


def test_outside_the_window_the_message_goes_as_the_approved_template(operator, db, twilio):
    ticket = create_ticket(db, channel=Channel.WHATSAPP, actor=SYSTEM, tz="Asia/Jakarta",
                           reporter_phone=CALLER, description="Lampu jalan mati.")
    db.add(Conversation(address=f"whatsapp:{CALLER}", channel="whatsapp", phone=CALLER,
                        last_inbound_at=utcnow() - timedelta(hours=25)))
    db.commit()
    operator.post(f"/console/tiket/{ticket.number}/pesan-pelapor", {
        "reporter_text": "Lampu akan diganti hari Kamis.", "reporter_channel": "whatsapp"})
    (row,) = db.scalars(select(OutboxMessage).where(OutboxMessage.event.like("pesan#%")))
    assert row.channel == "wa_template"
    (sent,) = twilio.sent(to=f"whatsapp:{CALLER}")
    form = next(f for m, p, f in twilio.requests if m == "POST" and "Messages" in p)
    assert form.get("ContentSid") == TEMPLATE
    assert "Lampu akan diganti hari Kamis." in json.dumps(json.loads(
        form["ContentVariables"]), ensure_ascii=False)
    assert sent
