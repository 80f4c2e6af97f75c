"""Who may read which outbox message, and who may send one again (notify.services).

The console's pages are tested in tests/agents/test_outbox_console.py; these are the rules
on their own, with the demo cast: an operator, the PUPR pokja, a supervisor, the admin."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from accounts.models import User
from notify import services
from notify.models import OutboxMessage, OutboxStatus
from tests.notify.conftest import CALLER, make_ticket
from tickets.clock import utcnow
from tickets.errors import PermissionDenied
from tickets.models import Pokja, TicketEvent

OS = OutboxStatus


@pytest.fixture
def env_overrides() -> dict[str, str]:
    return {}  # nothing leaves the machine: the rows stay held


def user(db, username: str) -> User:
    return db.scalars(select(User).where(User.username == username)).one()


def add(db, ticket, channel: str, recipient: str, key: str,
        status: OutboxStatus = OS.FAILED) -> OutboxMessage:
    row = OutboxMessage(channel=channel, recipient=recipient, body="Uji", event="answered",
                        idempotency_key=key, ticket_id=ticket.id, status=status,
                        last_error=f"The 'To' number {recipient} is not valid",
                        next_attempt_at=utcnow(), created_at=utcnow())
    db.add(row)
    db.flush()
    return row


def test_a_whatsapp_message_to_an_anonim_reporter_hides_the_number_like_an_sms(db):
    ticket = make_ticket(db, anonim=True)
    to_reporter = [add(db, ticket, channel, CALLER, channel)
                   for channel in ("sms", "voice", "whatsapp", "wa_template")]
    to_pokja = add(db, ticket, "whatsapp", "+6281199990000", "pokja-wa")
    admin, supervisor = user(db, "admin"), user(db, "supervisor")
    assert all(services.hides_recipient(admin, r, ticket) for r in to_reporter)
    assert not services.hides_recipient(admin, to_pokja, ticket)
    assert not any(services.hides_recipient(supervisor, r, ticket) for r in to_reporter)
    ticket.anonim = False
    assert not any(services.hides_recipient(admin, r, ticket) for r in to_reporter)


def test_a_pokja_sees_only_what_went_to_its_own_addresses(db):
    ticket = make_ticket(db)
    pupr = db.scalars(select(Pokja).where(Pokja.code == "PUPR")).one()
    pupr.whatsapp = "+6281199990000"
    own = [add(db, ticket, "email", pupr.email, "e"),
           add(db, ticket, "whatsapp", pupr.whatsapp, "w")]
    add(db, ticket, "whatsapp", CALLER, "reporter-wa")
    add(db, ticket, "sms", CALLER, "reporter-sms")
    add(db, ticket, "email", "dinkes@pemkab.example.id", "other-pokja")
    seen = services.ticket_messages(db, user(db, "pokja"), ticket)
    assert {r.id for r in seen} == {r.id for r in own}
    everything = services.ticket_messages(db, user(db, "operator"), ticket)
    assert len(everything) == len(services.ticket_messages(db, user(db, "supervisor"), ticket))
    assert {r.idempotency_key for r in everything} >= {"e", "w", "reporter-wa", "reporter-sms"}
    assert services.ticket_messages(db, user(db, "admin"), ticket) == []


def test_only_supervisors_and_the_admin_send_again_and_each_retry_is_audited(db):
    ticket = make_ticket(db)
    failed = add(db, ticket, "sms", CALLER, "failed")
    sent = add(db, ticket, "sms", CALLER, "sent", status=OS.SENT)
    supervisor = user(db, "supervisor")
    assert services.may_retry(supervisor, failed) and services.may_retry(user(db, "admin"),
                                                                         failed)
    assert not services.may_retry(supervisor, sent)
    for name in ("operator", "pokja"):
        assert not services.may_retry(user(db, name), failed)
        with pytest.raises(PermissionDenied):
            services.retry(db, user(db, name), failed.id)
    assert services.retry(db, supervisor, failed.id).status is OS.PENDING
    event = db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                       .order_by(TicketEvent.id.desc())).first()
    assert event is not None and event.internal and "dikirim ulang" in (event.note or "")
