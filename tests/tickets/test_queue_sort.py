"""Sorted keyset pages: every order walks every ticket exactly once, both ways, with ties
and missing values (which come last in either direction), and the cursor names its order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from analytics import flags
from analytics.models import Place, PlaceKind, TicketPlace
from tests.agents.conftest import make_ticket, user_named  # noqa: F401  (fixture)
from tickets.clock import utcnow
from tickets.errors import InvalidInput
from tickets.models import Category, Status, Ticket
from tickets.queue import Filters, SortKey, list_tickets, sort_key

KEYS = ("nomor", "masuk", "batas", "status", "kategori", "kecamatan")
# The orders whose value a ticket may lack, and which of the fixture's tickets lack it.
MISSING = {"batas": {2}, "kategori": {0, 4}, "kecamatan": {0, 4, 6}}


def _sort(name: str, descending: bool) -> SortKey:
    return flags.kecamatan_sort(descending) if name == "kecamatan" else sort_key(
        name, descending)


@pytest.fixture
def tickets(db, make_ticket):  # type: ignore[no-untyped-def]  # noqa: F811
    categories = list(db.scalars(select(Category).order_by(Category.name)))[:2]
    kecamatan = list(db.scalars(select(Place).where(Place.kind == PlaceKind.KECAMATAN)
                                .order_by(Place.name)))[:2]
    now = utcnow()
    made = []
    for i in range(7):
        made.append(make_ticket(
            Status.POSTPONED if i % 3 == 0 else Status.AWAITING_VERIFICATION,
            created_at=now - timedelta(hours=i // 2),       # ties on created_at
            category=categories[i % 2] if i % 4 else None,   # ties, and no category
            verify_due_at=None if i == 2 else now + timedelta(days=i % 3)))
    for i, place in {1: kecamatan[0], 2: kecamatan[0], 3: kecamatan[1], 5: kecamatan[1],
                     6: None}.items():  # ties, a row without a kecamatan, and no row
        db.merge(TicketPlace(ticket_id=made[i].id, kecamatan_id=place.id if place else None,
                             source="operator"))
    db.commit()
    return made


def _walk(db, user, sort, limit=3):  # type: ignore[no-untyped-def]
    f = Filters(statuses=(), sort=sort)
    seen, after = [], None
    while True:
        page = list_tickets(db, user, f, tz="Asia/Jakarta", after=after, limit=limit)
        seen += page.tickets
        if not page.next_cursor:
            return seen
        after = page.next_cursor


def _expected(db, tickets, sort: SortKey) -> list[int]:  # type: ignore[no-untyped-def]
    """The ids in the order's meaning: those with a value by (value, id) in the
    direction, then those without by id in the direction."""
    value = {t.id: db.scalar(select(sort.expr).where(Ticket.id == t.id)) for t in tickets}
    lacking = {t.id for t in tickets if sort.missing is not None and value[t.id] == sort.missing}
    having = sorted((i for i in value if i not in lacking), key=lambda i: (value[i], i),
                    reverse=sort.descending)
    return having + sorted(lacking, reverse=sort.descending)


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("descending", [False, True])
def test_every_order_pages_through_every_ticket_once_in_its_order(db, tickets, key,
                                                                  descending):
    operator = user_named(db, "operator")
    sort = _sort(key, descending)
    expected = _expected(db, tickets, sort)
    assert sorted(expected) == sorted(t.id for t in tickets)
    for limit in (1, 3, 50):  # a page boundary at every ticket, a few, none
        assert [t.id for t in _walk(db, operator, sort, limit)] == expected, limit


@pytest.mark.parametrize("key", sorted(MISSING))
@pytest.mark.parametrize("descending", [False, True])
def test_a_ticket_without_a_value_comes_last_in_either_direction(db, tickets, key,
                                                                 descending):
    seen = _walk(db, user_named(db, "operator"), _sort(key, descending), limit=2)
    lacking = {tickets[i].id for i in MISSING[key]}
    assert {t.id for t in seen[-len(lacking):]} == lacking
    assert len(seen) == len(tickets)


def test_a_cursor_from_another_order_is_refused(db, tickets):
    operator = user_named(db, "operator")
    page = list_tickets(db, operator, Filters(statuses=(), sort=sort_key("nomor")),
                        tz="Asia/Jakarta", limit=3)
    with pytest.raises(InvalidInput, match="Penanda halaman"):
        list_tickets(db, operator, Filters(statuses=(), sort=sort_key("nomor", True)),
                     tz="Asia/Jakarta", after=page.next_cursor)
    with pytest.raises(InvalidInput):
        sort_key("warna")
