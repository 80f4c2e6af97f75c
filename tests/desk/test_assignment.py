"""Who works which ticket: taking, letting go, giving, per team, each in the history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desk import services
from desk.models import TicketAssignment
from tickets.errors import InvalidInput, NotFound, PermissionDenied, StaleTicket
from tickets.models import Status, TicketEvent


def _events(db, ticket):  # type: ignore[no-untyped-def]
    return [e for e in db.scalars(select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == services.KIND)
        .order_by(TicketEvent.id))]


def test_an_operator_takes_a_free_ticket_and_the_history_says_so(db, cast, make_ticket):
    ticket = make_ticket()
    services.assign(db, cast["operator"], ticket.number, cast["operator"].id)
    db.commit()
    assert services.holder(db, ticket).id == cast["operator"].id
    [event] = _events(db, ticket)
    assert event.note == "Diambil oleh Operator Call Center."
    assert event.actor_id == cast["operator"].id and event.internal


def test_an_operator_cannot_take_a_ticket_another_operator_holds(db, cast, make_ticket):
    ticket = make_ticket()
    services.assign(db, cast["rina"], ticket.number, cast["rina"].id)
    with pytest.raises(PermissionDenied, match="sudah diambil oleh Rina"):
        services.assign(db, cast["operator"], ticket.number, cast["operator"].id)
    with pytest.raises(PermissionDenied):
        services.assign(db, cast["operator"], ticket.number, None)  # nor let it go


def test_an_operator_cannot_give_a_ticket_to_someone_else(db, cast, make_ticket):
    ticket = make_ticket()
    with pytest.raises(PermissionDenied, match="Hanya supervisor"):
        services.assign(db, cast["operator"], ticket.number, cast["rina"].id)


def test_the_holder_lets_go_and_the_ticket_is_free_again(db, cast, make_ticket):
    ticket = make_ticket()
    services.assign(db, cast["operator"], ticket.number, cast["operator"].id)
    services.assign(db, cast["operator"], ticket.number, None)
    db.commit()
    assert services.holder(db, ticket) is None
    assert [e.note for e in _events(db, ticket)][-1] == "Dilepas oleh Operator Call Center."


def test_a_supervisor_reassigns_to_any_operator_and_the_history_names_both(db, cast,
                                                                           make_ticket):
    ticket = make_ticket()
    services.assign(db, cast["operator"], ticket.number, cast["operator"].id)
    services.assign(db, cast["supervisor"], ticket.number, cast["rina"].id)
    db.commit()
    assert services.holder(db, ticket).id == cast["rina"].id
    assert _events(db, ticket)[-1].note == (
        "Ditugaskan kepada Rina oleh Pimpinan (sebelumnya Operator Call Center).")


def test_a_supervisor_cannot_give_a_desk_ticket_to_a_pokja_user(db, cast, make_ticket):
    ticket = make_ticket()
    with pytest.raises(InvalidInput, match="tidak dapat diberi"):
        services.assign(db, cast["supervisor"], ticket.number, cast["pokja"].id)


def test_a_pokja_admin_reassigns_within_the_pokja_only(db, cast, make_ticket):
    ticket = make_ticket(Status.FORWARDED)  # to PUPR
    services.assign(db, cast["pokja"], ticket.number, cast["pokja"].id)
    services.assign(db, cast["pupr2"], ticket.number, cast["pupr2"].id)  # takes it over
    services.assign(db, cast["kepala_pupr"], ticket.number, cast["pokja"].id)
    db.commit()
    assert services.holder(db, ticket).id == cast["pokja"].id
    with pytest.raises(InvalidInput):
        services.assign(db, cast["pokja"], ticket.number, cast["pokja2"].id)  # DINKES
    with pytest.raises(NotFound):  # another pokja does not even see it
        services.assign(db, cast["pokja2"], ticket.number, cast["pokja2"].id)
    # The pokja's entries are shared with the pokja, not internal to the call centre.
    assert all(e.shared_with_pokja_id == ticket.pokja_id and not e.internal
               for e in _events(db, ticket))


def test_the_call_centre_cannot_take_a_ticket_the_pokja_works(db, cast, make_ticket):
    ticket = make_ticket(Status.FORWARDED)
    with pytest.raises(PermissionDenied, match="pokja tujuan"):
        services.assign(db, cast["operator"], ticket.number, cast["operator"].id)


def test_each_team_keeps_its_own_holder(db, cast, make_ticket):
    """The operator who verified it no longer shows once the pokja has it."""
    ticket = make_ticket(Status.FORWARDED)
    db.add(TicketAssignment(ticket_id=ticket.id, team="cc", user_id=cast["operator"].id))
    db.commit()
    assert services.holder(db, ticket) is None
    services.assign(db, cast["pokja"], ticket.number, cast["pokja"].id)
    assert services.holders(db, [ticket]) == {ticket.id: cast["pokja"]}


def test_a_closed_ticket_is_no_ones_work(db, cast, make_ticket):
    ticket = make_ticket(Status.ANSWERED)
    with pytest.raises(InvalidInput, match="tidak lagi ditangani"):
        services.assign(db, cast["pokja"], ticket.number, cast["pokja"].id)


def test_an_admin_or_leader_has_no_team(db, cast, make_ticket):
    ticket = make_ticket()
    with pytest.raises((PermissionDenied, NotFound)):
        services.assign(db, cast["admin"], ticket.number, cast["operator"].id)


def test_a_change_made_since_the_page_was_shown_is_refused(db, cast, make_ticket):
    ticket = make_ticket()
    services.assign(db, cast["rina"], ticket.number, cast["rina"].id)
    db.commit()
    # The supervisor's page showed the ticket free; Rina took it meanwhile.
    with pytest.raises(StaleTicket, match="sekarang dipegang Rina"):
        services.assign(db, cast["supervisor"], ticket.number, cast["operator"].id,
                        expected=None)
    assert services.holder(db, ticket).id == cast["rina"].id


def test_taking_what_one_already_holds_writes_nothing(db, cast, make_ticket):
    ticket = make_ticket()
    services.assign(db, cast["operator"], ticket.number, cast["operator"].id)
    services.assign(db, cast["operator"], ticket.number, cast["operator"].id)
    assert len(_events(db, ticket)) == 1


def test_taking_does_not_bump_the_tickets_version(db, cast, make_ticket):
    """An operator editing the ticket is not refused because someone took it."""
    ticket = make_ticket()
    before = ticket.version
    services.assign(db, cast["operator"], ticket.number, cast["operator"].id)
    db.commit()
    db.refresh(ticket)
    assert ticket.version == before


def test_tiket_saya_and_belum_diambil_filter_by_the_users_team(db, cast, make_ticket):
    from tickets.queue import Filters, list_tickets
    mine, free = make_ticket(), make_ticket()
    services.assign(db, cast["operator"], mine.number, cast["operator"].id)
    db.commit()

    def numbers(which: str) -> set[str]:
        cond = services.condition(cast["operator"], which)
        page = list_tickets(db, cast["operator"], Filters(where=(cond,)), tz="Asia/Jakarta")
        return {t.number for t in page.tickets}

    assert mine.number in numbers("saya") and free.number not in numbers("saya")
    assert free.number in numbers("belum") and mine.number not in numbers("belum")
    with pytest.raises(InvalidInput):
        services.condition(cast["operator"], "semua-orang")
