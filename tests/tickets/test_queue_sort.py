"""Sorted keyset pages: every order walks every ticket exactly once, both ways, with ties
and missing values, and the cursor names its order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.agents.conftest import make_ticket, user_named  # noqa: F401  (fixture)
from tickets.clock import utcnow
from tickets.errors import InvalidInput
from tickets.models import Category, Status
from tickets.queue import Filters, list_tickets, sort_key

KEYS = ("nomor", "masuk", "batas", "status", "kategori")


@pytest.fixture
def tickets(db, make_ticket):  # type: ignore[no-untyped-def]  # noqa: F811
    categories = list(db.scalars(select(Category).order_by(Category.name)))[:2]
    now = utcnow()
    made = []
    for i in range(7):
        made.append(make_ticket(
            Status.POSTPONED if i % 3 == 0 else Status.AWAITING_VERIFICATION,
            created_at=now - timedelta(hours=i // 2),       # ties on created_at
            category=categories[i % 2] if i % 4 else None,   # ties, and no category
            verify_due_at=None if i == 2 else now + timedelta(days=i % 3)))
    return made


def _walk(db, user, sort):  # type: ignore[no-untyped-def]
    f = Filters(statuses=(), sort=sort)
    seen, after = [], None
    while True:
        page = list_tickets(db, user, f, tz="Asia/Jakarta", after=after, limit=3)
        seen += page.tickets
        if not page.next_cursor:
            return seen
        after = page.next_cursor


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("descending", [False, True])
def test_every_order_pages_through_every_ticket_once(db, tickets, key, descending):
    operator = user_named(db, "operator")
    sort = sort_key(key, descending)
    seen = _walk(db, operator, sort)
    assert sorted(t.id for t in seen) == sorted(t.id for t in tickets)
    values = [db.scalar(select(sort.expr).where(sort.expr is not None).select_from(type(t))
                        .where(type(t).id == t.id)) for t in seen]
    assert values == sorted(values, reverse=descending)


def test_a_missing_deadline_sorts_last(db, tickets):
    seen = _walk(db, user_named(db, "operator"), sort_key("batas"))
    assert seen[-1].id == tickets[2].id


def test_a_cursor_from_another_order_is_refused(db, tickets):
    operator = user_named(db, "operator")
    page = list_tickets(db, operator, Filters(statuses=(), sort=sort_key("nomor")),
                        tz="Asia/Jakarta", limit=3)
    with pytest.raises(InvalidInput, match="Penanda halaman"):
        list_tickets(db, operator, Filters(statuses=(), sort=sort_key("nomor", True)),
                     tz="Asia/Jakarta", after=page.next_cursor)
    with pytest.raises(InvalidInput):
        sort_key("warna")
