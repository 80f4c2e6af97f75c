"""The ticket a number names: None for the public edges (tickets.services.find_ticket),
NotFound for the console (ticket_by_number), and for the desk's forms the role and the
version too (tickets.permissions.desk_ticket)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tickets import numbering
from tickets.errors import NotFound, PermissionDenied, StaleTicket
from tickets.lifecycle import SYSTEM
from tickets.models import Channel, Role
from tickets.permissions import desk_ticket
from tickets.services import create_ticket, find_ticket, ticket_by_number

TZ = "Asia/Jakarta"


@dataclass(frozen=True)
class Someone:
    role: Role
    id: int = 1
    full_name: str = "Uji"
    pokja_id: int | None = None
    active: bool = True


@pytest.fixture
def ticket(db):
    t = create_ticket(db, channel=Channel.WALK_IN, actor=SYSTEM, tz=TZ,
                      description="Lampu jalan mati")
    db.commit()
    return t


def unknown_number(db) -> str:
    while find_ticket(db, number := numbering.new_number()) is not None:
        pass
    return number


def test_a_number_finds_its_ticket_with_spaces_around_it(db, ticket):
    assert find_ticket(db, f" {ticket.number}\n") is ticket
    assert ticket_by_number(db, f" {ticket.number} ") is ticket


def test_an_unknown_number_is_none_for_the_public_and_not_found_for_the_console(db, ticket):
    number = unknown_number(db)
    assert find_ticket(db, number) is None
    with pytest.raises(NotFound, match=f"Tiket {number} tidak ditemukan"):
        ticket_by_number(db, f" {number} ")


def test_a_desk_form_needs_a_desk_role_and_the_current_version(db, ticket):
    operator = Someone(Role.OPERATOR)
    assert desk_ticket(db, operator, ticket.number, ticket.version, TZ) is ticket
    assert desk_ticket(db, operator, ticket.number, None, TZ) is ticket  # no form: the CLI
    with pytest.raises(StaleTicket):
        desk_ticket(db, operator, ticket.number, ticket.version - 1, TZ)
    for outsider in (Someone(Role.POKJA, pokja_id=1), Someone(Role.ADMIN),
                     Someone(Role.OPERATOR, active=False)):
        with pytest.raises(PermissionDenied):
            desk_ticket(db, outsider, ticket.number, ticket.version, TZ)
