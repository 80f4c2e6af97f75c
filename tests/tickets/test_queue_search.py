"""The queue's search by phone and name: one normalisation rule, and no identity of an
anonim ticket found by a pokja."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from accounts.models import User
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Category, Channel, Pokja, Status
from tickets.queue import Filters, list_tickets, search_phone
from tickets.services import create_ticket


@pytest.mark.parametrize("typed", ["081234567890", "+6281234567890", "6281234567890",
                                   "0812-3456-7890", "(0812) 3456 7890", " +62 812-3456-7890 "])
def test_every_way_of_typing_a_number_is_one_e164(typed):
    assert search_phone(typed) == "+6281234567890"


@pytest.mark.parametrize("typed", ["jalan rusak", "2024", "Budi 0812", "", "RT 02/RW 05"])
def test_words_are_not_a_phone_number(typed):
    assert search_phone(typed) is None


def test_a_pokja_finds_its_tickets_by_the_reporters_phone_or_name_but_not_anonim_ones(db):
    pupr = db.scalars(select(Category).join(Pokja).where(Pokja.code == "PUPR")).first()
    made = {}
    for anonim in (False, True):
        ticket = create_ticket(db, channel=Channel.PHONE, actor=SYSTEM, tz="Asia/Jakarta",
                               category=pupr, anonim=anonim, reporter_name="Budi Santoso",
                               reporter_phone="+6281234567890",
                               description="Nama saya Budi, jalan berlubang.")
        transition(db, ticket, Status.FORWARDED, SYSTEM, tz="Asia/Jakarta")
        made[anonim] = ticket
    db.commit()
    pokja = db.scalars(select(User).where(User.username == "pokja")).one()
    operator = db.scalars(select(User).where(User.username == "operator")).one()
    for text in ("0812-3456-7890", "santoso", "budi"):
        seen = {t.id for t in list_tickets(db, pokja, Filters(statuses=(), text=text),
                                           tz="Asia/Jakarta").tickets}
        assert seen == {made[False].id}, text
        desk = {t.id for t in list_tickets(db, operator, Filters(statuses=(), text=text),
                                           tz="Asia/Jakarta").tickets}
        assert desk == {made[False].id, made[True].id}, text
    # The anonim ticket's number still finds it for its pokja.
    by_number = list_tickets(db, pokja, Filters(statuses=(), text=made[True].number),
                             tz="Asia/Jakarta")
    assert [t.id for t in by_number.tickets] == [made[True].id]
