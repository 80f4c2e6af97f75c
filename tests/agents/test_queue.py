"""The verification queue: oldest first, filters, search and keyset pages."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import select

from tests.agents.conftest import user_named
from tickets.clock import utcnow
from tickets.models import Pokja, Status
from tickets.queue import PAGE_SIZE, Filters, list_tickets


def test_the_queue_lists_tickets_awaiting_verification_oldest_first(operator, make_ticket, db):
    newer = make_ticket(description="baru")
    older = make_ticket(description="lama", created_at=utcnow() - timedelta(days=2))
    make_ticket(Status.FORWARDED, description="sudah diteruskan")
    page = operator.get("/console/antrean").get_data(as_text=True)
    assert page.index(older.number) < page.index(newer.number)
    assert "sudah diteruskan" not in page


def test_overdue_tickets_are_marked(operator, make_ticket):
    make_ticket(verify_due_at=utcnow() - timedelta(hours=1))
    assert "Terlambat" in operator.get("/console/antrean").get_data(as_text=True)


def test_the_queue_filters_by_status_category_pokja_and_date(operator, make_ticket, db):
    pupr = make_ticket(code="PUPR", description="jalan")
    dinkes = make_ticket(code="DINKES", description="puskesmas")
    old = make_ticket(code="PUPR", description="lama", created_at=utcnow() - timedelta(days=40))
    pokja_id = db.scalars(select(Pokja.id).where(Pokja.code == "DINKES")).one()
    page = operator.get(f"/console/antrean?pokja_id={pokja_id}").get_data(as_text=True)
    assert dinkes.number in page and pupr.number not in page
    page = operator.get(f"/console/antrean?category_id={pupr.category_id}").get_data(
        as_text=True)
    assert pupr.number in page and dinkes.number not in page
    since = (utcnow() - timedelta(days=5)).date().isoformat()
    page = operator.get(f"/console/antrean?date_from={since}").get_data(as_text=True)
    assert pupr.number in page and old.number not in page
    forwarded = make_ticket(Status.FORWARDED)
    page = operator.get("/console/antrean?status=forwarded").get_data(as_text=True)
    assert forwarded.number in page and pupr.number not in page


def test_a_bad_date_filter_is_explained_in_indonesian(operator):
    response = operator.get("/console/antrean?date_from=kemarin")
    assert response.status_code == 422
    assert "Tanggal harus berformat TTTT-BB-HH." in response.get_data(as_text=True)


def test_the_search_finds_words_in_descriptions_case_insensitively(operator, make_ticket):
    hit = make_ticket(description="Lampu JALAN mati di Desa Sukamaju")
    miss = make_ticket(description="Sampah menumpuk")
    page = operator.get("/console/antrean?q=jalan+mati").get_data(as_text=True)
    assert hit.number in page and miss.number not in page
    page = operator.get(f"/console/antrean?q={miss.number}").get_data(as_text=True)
    assert miss.number in page and hit.number not in page


def test_the_search_treats_percent_and_underscore_literally(operator, make_ticket):
    plain = make_ticket(description="biaya naik")
    page = operator.get("/console/antrean?q=%25").get_data(as_text=True)
    assert plain.number not in page


def test_keyset_pages_cover_every_ticket_once(db, make_ticket):
    made = [make_ticket(created_at=utcnow() - timedelta(minutes=i)) for i in range(7)]
    operator = user_named(db, "operator")
    seen, after = [], None
    while True:
        page = list_tickets(db, operator, Filters(), tz="Asia/Jakarta", after=after, limit=3)
        seen += [t.number for t in page.tickets]
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert sorted(seen) == sorted(t.number for t in made)
    assert len(seen) == len(set(seen)) == 7


def test_the_next_page_link_follows_the_cursor(operator, make_ticket):
    made = [make_ticket() for _ in range(PAGE_SIZE + 1)]
    page = operator.get("/console/antrean").get_data(as_text=True)
    assert made[0].number in page and made[-1].number not in page
    link = re.search(r'href="(/console/antrean\?after=[^"]+)"', page).group(1)
    second = operator.get(html.unescape(link)).get_data(as_text=True)
    assert made[-1].number in second and made[0].number not in second
