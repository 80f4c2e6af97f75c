"""A conversation idle for the configured time: one holding content is filed and the
reporter told its number; one without content simply expires. Time comes from an
injected clock, never from sleeping."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from messaging import conversations, filing
from messaging.models import Conversation
from notify.models import OutboxMessage
from tickets.models import Channel, Status, Ticket

T0 = datetime(2026, 3, 2, 2, 0)
PHONE = "+6281234567890"


@pytest.fixture
def policy(app) -> conversations.ConversationPolicy:
    policy = app.extensions["hotline"].conversation_policy
    assert policy.idle == timedelta(minutes=30)  # the default
    return policy


def _send(db, policy, text: str, at: datetime) -> list[str]:
    inbound = conversations.Inbound("SM" + secrets.token_hex(16), f"whatsapp:{PHONE}",
                                    "whatsapp", PHONE, text)
    outcome = conversations.receive(db, inbound, policy, now=at)
    db.commit()
    return [key for key, _ in outcome.replies]


def _write(db, policy, *texts: str) -> datetime:
    at = T0
    for text in ("Halo", "1", "1", "2", *texts):
        _send(db, policy, text, at)
        at += timedelta(minutes=1)
    return at


def _tickets(db) -> list[Ticket]:
    db.expire_all()
    return list(db.scalars(select(Ticket)))


def test_the_sweep_files_an_idle_conversation_with_content(db, policy):
    last = _write(db, policy, "Lampu jalan padam di desa Sukamaju.")
    assert filing.expire_idle(db, policy, now=last + timedelta(minutes=29)) == 0
    db.commit()
    assert _tickets(db) == []
    assert filing.expire_idle(db, policy, now=last + timedelta(minutes=31)) == 1
    db.commit()
    [ticket] = _tickets(db)
    assert ticket.channel is Channel.WHATSAPP and ticket.status is Status.AWAITING_VERIFICATION
    assert ticket.transcript.text == "Lampu jalan padam di desa Sukamaju."
    told = db.scalars(select(OutboxMessage).where(OutboxMessage.event == "idle_filed")).one()
    assert ticket.number in told.body and told.recipient == PHONE
    assert db.scalars(select(Conversation)).one().state == "new"
    # A second sweep finds nothing more to do.
    assert filing.expire_idle(db, policy, now=last + timedelta(hours=2)) == 0


def test_an_idle_conversation_without_content_simply_expires(db, policy):
    last = _write(db, policy)
    assert filing.expire_idle(db, policy, now=last + timedelta(minutes=31)) == 0
    db.commit()
    assert _tickets(db) == []
    assert db.scalars(select(Conversation)).one().state == "new"
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_writing_again_after_the_idle_time_files_first_and_greets(db, policy):
    last = _write(db, policy, "Air PDAM tidak mengalir tiga hari.")
    replies = _send(db, policy, "Halo lagi", last + timedelta(minutes=45))
    assert replies[:2] == ["msg_idle_filed", "msg_greeting"]
    [ticket] = _tickets(db)
    assert ticket.transcript.text == "Air PDAM tidak mengalir tiga hari."


@pytest.mark.parametrize("env_overrides", [{"MESSAGE_IDLE_MINUTES": "5"}])
def test_the_idle_time_is_configurable(db, app, env_overrides):
    policy = app.extensions["hotline"].conversation_policy
    last = _write(db, policy, "Pohon tumbang menutup jalan.")
    assert filing.expire_idle(db, policy, now=last + timedelta(minutes=6)) == 1


def test_the_beat_sweep_runs_the_expiry(db, policy):
    from messaging.tasks import sweep

    _write(db, policy, "Saluran air tersumbat.")  # at T0, long ago by the real clock
    result = sweep.apply().get()
    assert result["idle_filed"] == 1
    assert len(_tickets(db)) == 1
