"""A save that lost the race on ``Ticket.version``: refused with the winner's name, and
the rollback left to the boundary that owns the session."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from accounts.models import User
from tickets import concurrency
from tickets.errors import StaleTicket
from tickets.lifecycle import SYSTEM, Actor, record_event
from tickets.models import Channel, Ticket
from tickets.services import create_ticket

TZ = "Asia/Jakarta"


def test_a_lost_race_names_the_winner_and_does_not_roll_back_by_itself(app, db):
    ticket = create_ticket(db, channel=Channel.WALK_IN, actor=SYSTEM, tz=TZ,
                           description="Jalan berlubang.")
    db.commit()
    rina = db.scalars(select(User).where(User.username == "operator")).one()
    maker = app.extensions["hotline"].sessionmaker
    with maker() as loser:
        mine = loser.get_one(Ticket, ticket.id)  # read before the winner saved
        with maker() as winner:
            theirs = winner.get_one(Ticket, ticket.id)
            theirs.description = "Versi Rina."
            record_event(winner, theirs, Actor.of(rina), "edit", "Diubah: uraian.")
            winner.commit()

        mine.description = "Versi Budi."
        with pytest.raises(StaleTicket, match="diubah oleh Operator Call Center pukul"):
            concurrency.flush(loser, mine, TZ)
        # The session is left as the failed flush left it: the boundary rolls it back.
        assert not loser.is_active
        loser.rollback()
        assert loser.get_one(Ticket, ticket.id).description == "Versi Rina."
