"""The caller's history: every ticket and call of their number, as privacy allows."""

from __future__ import annotations

from datetime import timedelta

from desk.callers import history
from tickets.clock import utcnow
from tickets.models import Call, Status

from .conftest import BUDI


def test_the_call_centre_sees_every_ticket_and_call_of_the_number_newest_first(
        db, users, ticket_of):
    first = ticket_of(created_at=utcnow() - timedelta(days=30))
    second = ticket_of(Status.FORWARDED, anonim=True, created_at=utcnow() - timedelta(days=2))
    ticket_of(phone="+6289999999999")  # someone else
    call = Call(call_sid="CA" + "1" * 32, from_number=BUDI)
    db.add(call)
    db.flush()
    now = ticket_of(call_id=call.id)
    found = history(db, users("operator"), now)
    assert found is not None and found.repeat and found.total == 3
    assert [t.id for t in found.tickets] == [second.id, first.id]
    assert [c.id for c in found.calls] == [call.id]


def test_a_first_caller_is_no_repeat(db, users, ticket_of):
    found = history(db, users("operator"), ticket_of())
    assert found is not None and not found.repeat and found.tickets == []


def test_a_pokja_gets_no_history_on_an_anonim_ticket(db, users, ticket_of):
    ticket_of(Status.FORWARDED)
    anonim = ticket_of(Status.FORWARDED, anonim=True)
    assert history(db, users("pokja"), anonim) is None


def test_a_pokja_lists_only_its_own_tickets_that_are_not_anonim(db, users, ticket_of):
    own = ticket_of(Status.FORWARDED)
    ticket_of(Status.FORWARDED, anonim=True)             # would name its reporter
    ticket_of(Status.FORWARDED, code="DINKES")           # another pokja's
    ticket_of()                                           # still at the call centre
    now = ticket_of(Status.FORWARDED)
    found = history(db, users("pokja"), now)
    assert found is not None
    assert [t.id for t in found.tickets] == [own.id]
    assert found.total == 2 and found.calls == []


def test_a_ticket_without_a_number_has_no_history(db, users, ticket_of):
    assert history(db, users("operator"), ticket_of(phone=None)) is None
