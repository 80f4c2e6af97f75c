"""The answer of a ticket filed by message asks "is it fixed?" on the reporter's channel;
their 1/2 reply reaches feedback.replies through the conversation's one dispatch of
replies to a pending question (messaging.conversations.answer_pending)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from devtools.chat_simulator import ticket_number
from messaging.models import Conversation
from notify.models import OutboxMessage
from tickets.clock import utcnow
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Status, Ticket


@pytest.fixture
def answered(citizen, db):
    chat = citizen(whatsapp=True)
    for text in ("Halo", "1", "1", "2", "Jembatan desa Sukamaju retak."):
        chat.send(text)
    number = ticket_number(chat.send("SELESAI").replies)
    ticket = db.scalars(select(Ticket).where(Ticket.number == number)).one()
    for target in (Status.FORWARDED, Status.IN_PROGRESS):
        transition(db, ticket, target, SYSTEM, tz="Asia/Jakarta")
    ticket.answer = "Jembatan sudah diperbaiki."
    transition(db, ticket, Status.ANSWERED, SYSTEM, tz="Asia/Jakarta")
    # The answer comes days later: the conversation has long been idle.
    for conv in db.scalars(select(Conversation)):
        conv.last_inbound_at = utcnow() - timedelta(hours=2)
    db.commit()
    return chat, ticket


def test_the_answer_asks_if_it_is_fixed_on_the_reporters_channel(answered, db):
    _, ticket = answered
    row = db.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id,
                                                 OutboxMessage.event == "answered")
                     .where(OutboxMessage.recipient == ticket.reporter_phone)).one()
    assert row.channel == "whatsapp"
    assert "Balas 1 jika sudah selesai, 2 jika belum" in row.body
    assert "Jembatan sudah diperbaiki" not in row.body  # the answer is read with STATUS


def test_one_closes_and_the_rating_follows(answered, db):
    chat, ticket = answered
    assert "balas satu angka 1 sampai 5" in chat.send("1").replies[0]
    db.expire_all()
    assert db.get(Ticket, ticket.id).status is Status.CLOSED
    assert "Terima kasih atas penilaian" in chat.send("5").replies[0]


def test_two_reopens_with_the_explanation(answered, db):
    chat, ticket = answered
    assert "telah kami teruskan" in chat.send("2 retaknya masih ada").replies[0]
    db.expire_all()
    assert db.get(Ticket, ticket.id).status is Status.REOPENED


def test_menu_still_leads_to_a_new_complaint(answered, db):
    chat, _ = answered
    assert "Balas 1" in chat.send("MENU").replies[0]
    assert "1. Jalan dan jembatan" in chat.send("1").replies[0]
