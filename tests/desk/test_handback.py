"""A ticket a pokja handed back carries the pokja's name and reason, and can be filtered."""

from __future__ import annotations

from sqlalchemy import select

from desk import handback
from tickets.followup import return_to_callcentre
from tickets.models import Status, Ticket

from .conftest import TZ


def test_a_returned_ticket_is_marked_with_the_pokja_and_reason_and_found_by_the_filter(
        db, users, ticket_of):
    returned = ticket_of(Status.FORWARDED)
    ticket_of()  # never forwarded
    ticket_of(Status.FORWARDED)  # still with the pokja
    return_to_callcentre(db, users("pokja"), returned.number, "Bukan wewenang PUPR, "
                         "jalan provinsi.", version=None, tz=TZ)
    db.commit()
    found = list(db.scalars(select(Ticket.id).where(handback.condition())))
    assert found == [returned.id]
    mark = handback.marks(db, [returned])[returned.id]
    assert mark.label == ("Dikembalikan oleh Pokja Infrastruktur (Dinas PUPR): "
                          "Bukan wewenang PUPR, jalan provinsi.")


def test_a_returned_ticket_forwarded_again_is_no_longer_marked(db, users, ticket_of):
    from tickets.lifecycle import SYSTEM, transition

    returned = ticket_of(Status.FORWARDED)
    return_to_callcentre(db, users("pokja"), returned.number, "Salah pokja.", version=None,
                         tz=TZ)
    transition(db, returned, Status.FORWARDED, SYSTEM, tz=TZ)
    db.commit()
    assert list(db.scalars(select(Ticket.id).where(handback.condition()))) == []
    assert handback.marks(db, [returned]) == {}
