"""Bulk actions: each ticket through the one-by-one rule, refusals reported, others done."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desk import bulk, services
from tests.agents.conftest import reload
from tickets.errors import InvalidInput
from tickets.models import RejectReason, Status, TicketEvent


def _sel(*tickets):  # type: ignore[no-untyped-def]
    return [bulk.Selected(t.number, t.version) for t in tickets]


def test_bulk_assignment_gives_every_free_ticket_and_reports_the_one_refused(db, cast,
                                                                             make_ticket):
    a, b, closed = make_ticket(), make_ticket(), make_ticket(Status.ANSWERED)
    out = bulk.run(db, cast["supervisor"], _sel(a, b, closed), bulk.Action.ASSIGN,
                   tz="Asia/Jakarta", assignee_id=cast["rina"].id)
    db.commit()
    assert [o.done for o in out] == [True, True, False]
    assert "tidak lagi ditangani" in out[2].message
    assert services.holder(db, a).id == services.holder(db, b).id == cast["rina"].id


def test_an_operator_bulk_takes_only_what_is_free(db, cast, make_ticket):
    free, held = make_ticket(), make_ticket()
    services.assign(db, cast["rina"], held.number, cast["rina"].id)
    out = bulk.run(db, cast["operator"], _sel(free, held), bulk.Action.ASSIGN,
                   tz="Asia/Jakarta", assignee_id=cast["operator"].id)
    assert [o.done for o in out] == [True, False]
    assert out[1].message == f"Tiket {held.number} sudah diambil oleh Rina."


def test_bulk_forward_uses_the_forwards_own_rules(db, cast, make_ticket, pokja_id_of):
    ready = make_ticket()
    no_text = make_ticket(description=None)
    out = bulk.run(db, cast["operator"], _sel(ready, no_text), bulk.Action.FORWARD,
                   tz="Asia/Jakarta", pokja_id=pokja_id_of("DLH"))
    db.commit()
    assert out[0].done and "Diteruskan ke" in out[0].message
    assert not out[1].done and "Uraian pengaduan wajib diisi" in out[1].message
    assert reload(db, ready).status is Status.FORWARDED
    refused = reload(db, no_text)
    assert refused.status is Status.AWAITING_VERIFICATION and refused.pokja_id != pokja_id_of("DLH")


def test_a_refused_ticket_leaves_no_trace(db, cast, make_ticket, pokja_id_of):
    """The refused forward's edit event (pokja changed) is rolled back with it."""
    no_text = make_ticket(description=None)
    before = db.scalar(select(TicketEvent.id).order_by(TicketEvent.id.desc()).limit(1))
    bulk.run(db, cast["operator"], _sel(no_text), bulk.Action.FORWARD, tz="Asia/Jakarta",
             pokja_id=pokja_id_of("DLH"))
    db.commit()
    assert db.scalar(select(TicketEvent.id).order_by(TicketEvent.id.desc()).limit(1)) == before


def test_a_ticket_changed_since_the_queue_was_shown_is_refused(db, cast, make_ticket,
                                                              pokja_id_of):
    ticket = make_ticket()
    shown = bulk.Selected(ticket.number, ticket.version)
    ticket.priority = 1  # someone saved it meanwhile
    db.commit()
    [out] = bulk.run(db, cast["operator"], [shown], bulk.Action.FORWARD, tz="Asia/Jakarta",
                     pokja_id=pokja_id_of("PUPR"))
    assert not out.done and "telah diubah" in out.message


def test_bulk_duplicates_are_archived_and_the_original_itself_refused(db, cast, make_ticket):
    original, copy1, copy2 = make_ticket(), make_ticket(), make_ticket()
    out = bulk.run(db, cast["operator"], _sel(copy1, copy2, original), bulk.Action.DUPLICATE,
                   tz="Asia/Jakarta", original=original.number)
    db.commit()
    assert [o.done for o in out] == [True, True, False]
    assert out[2].message == "Tiket tidak dapat menjadi duplikat dirinya sendiri."
    for copy in (copy1, copy2):
        copy = reload(db, copy)
        assert copy.status is Status.REJECTED and copy.reject_reason is RejectReason.DUPLICATE
        assert copy.duplicate_of_id == original.id


def test_a_pokja_user_cannot_bulk_forward(db, cast, make_ticket, pokja_id_of):
    ticket = make_ticket()
    [out] = bulk.run(db, cast["pokja"], _sel(ticket), bulk.Action.FORWARD, tz="Asia/Jakarta",
                     pokja_id=pokja_id_of("PUPR"))
    assert not out.done


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"action": bulk.Action.ASSIGN}, "assignee"),
    ({"action": bulk.Action.FORWARD}, "pokja_id"),
    ({"action": bulk.Action.DUPLICATE}, "original"),
])
def test_what_the_action_needs_is_asked_before_any_ticket(kwargs, field):
    with pytest.raises(InvalidInput) as refused:
        bulk.check(kwargs["action"], [bulk.Selected("12345678", 1)], assignee_id=None,
                   pokja_id=None, original="")
    assert refused.value.field == field


def test_nothing_ticked_is_refused():
    with pytest.raises(InvalidInput, match="Centang dulu"):
        bulk.check(bulk.Action.ASSIGN, [], assignee_id=1, pokja_id=None, original="")
