"""Notification helpers: tickets made through the domain, the outbox rows, the composer.
The loopback peers (``twilio``, ``mailbox``) are tests/peers.py's, shared by every package."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from devtools.notify_peer import TwilioRestPeer
from notify.compose import Composer
from notify.models import OutboxMessage, OutboxStatus
from tests.peers import Mailbox
from tickets import services
from tickets.lifecycle import SYSTEM
from tickets.models import Category, Channel, Pokja, Status, Ticket

CALLER = "+6281234567890"
POKJA_WA = "+6281199990000"
SMS_FROM = "+62215550100"
WA_FROM = "+62215550101"


def notify_env(twilio: TwilioRestPeer, mailbox: Mailbox) -> dict[str, str]:
    return {
        "TWILIO_API_BASE": twilio.base_url,
        "TWILIO_SMS_FROM": SMS_FROM,
        "TWILIO_WHATSAPP_FROM": WA_FROM,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(mailbox.port),  # type: ignore[attr-defined]
        "SMTP_STARTTLS": "false",
        "MAIL_FROM": "Pengaduan <pengaduan@pemkab.example.id>",
    }


@pytest.fixture
def env_overrides(twilio: TwilioRestPeer, mailbox: Mailbox) -> dict[str, str]:
    return notify_env(twilio, mailbox)


def make_ticket(db: Session, *, phone: str | None = CALLER, anonim: bool = False,
                rahasia: bool = False, opt_out: bool = False, whatsapp: str | None = POKJA_WA,
                description: str | None = "Jalan di depan SD Sukamaju berlubang besar.",
                name: str | None = "Budi Santoso") -> Ticket:
    category = db.scalars(select(Category).where(Category.name == "Jalan dan jembatan")).one()
    pokja = db.get(Pokja, category.pokja_id)
    assert pokja is not None
    pokja.whatsapp = whatsapp
    ticket = services.create_ticket(
        db, channel=Channel.PHONE, actor=SYSTEM, tz="Asia/Jakarta", category=category,
        anonim=anonim, rahasia=rahasia, reporter_phone=phone, reporter_name=name,
        description=description, location="Desa Sukamaju",
    )
    ticket.contact_opt_out = opt_out
    db.commit()
    return ticket


def failed_ids(db: Session) -> list[int]:
    """Messages an agent should look at: permanent failures and exhausted retries."""
    return [r.id for r in db.scalars(select(OutboxMessage).where(
        OutboxMessage.status.in_((OutboxStatus.FAILED, OutboxStatus.DEAD)))
        .order_by(OutboxMessage.id.desc()))]


@pytest.fixture
def composer(app: Flask) -> Composer:
    return app.extensions["hotline"].composer  # type: ignore[no-any-return]


def rows(db: Session, **where: object) -> list[OutboxMessage]:
    db.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    for key, value in where.items():
        query = query.where(getattr(OutboxMessage, key) == value)
    return list(db.scalars(query))


@pytest.fixture
def move(db: Session) -> Callable[..., None]:
    """Move a ticket through the lifecycle and commit, as a console action would."""
    from tickets.lifecycle import transition

    def go(ticket: Ticket, *targets: Status, answer: str | None = None) -> None:
        for target in targets:
            if target is Status.ANSWERED and answer is not None:
                ticket.answer = answer
            transition(db, ticket, target, SYSTEM, tz="Asia/Jakarta")
            db.commit()

    return go
