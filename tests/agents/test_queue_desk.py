"""The queue as an operator works it: who handles each ticket, sorting with its cursor,
early warnings first, the live look's ETag, saved views and bulk actions, over HTTP."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from jinja2 import meta
from sqlalchemy import select

from accounts.models import User
from desk import services
from tests.agents.conftest import pokja_named, reload, user_named, warn_of_conflict
from tickets.clock import utcnow
from tickets.models import Category, Role, Status
from tickets.queue import Filters, list_tickets, sort_key

ROW = re.compile(r'data-number="(\d{8})"')


def _numbers(page: str) -> list[str]:
    return ROW.findall(page)


def test_the_ticket_page_takes_and_lets_go(operator, make_ticket, db):
    ticket = make_ticket()
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Belum diambil siapa pun." in page and 'id="ambil"' in page
    response = operator.post(f"/console/tiket/{ticket.number}/penanganan",
                             {"action": "ambil", "holder": "0"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "sekarang ditangani Operator Call Center" in page
    assert 'id="pemegang">Operator Call Center' in page and 'id="lepas"' in page
    assert "Diambil oleh Operator Call Center." in page  # the history
    queue = operator.get("/console/antrean?penanganan=saya").get_data(as_text=True)
    assert _numbers(queue) == [ticket.number]


def test_a_stale_box_is_refused_with_the_current_holder(operator, supervisor, make_ticket, db):
    ticket = make_ticket()
    supervisor.post(f"/console/tiket/{ticket.number}/penanganan",
                    {"action": "ambil", "holder": "0"})
    response = operator.post(f"/console/tiket/{ticket.number}/penanganan",
                             {"action": "ambil", "holder": "0"}, follow_redirects=True)
    assert "sekarang dipegang Pimpinan" in response.get_data(as_text=True)
    assert services.holder(db, reload(db, ticket)).username == "supervisor"


def test_a_supervisor_gives_a_ticket_from_the_box(supervisor, make_ticket, db):
    ticket = make_ticket()
    operator_id = user_named(db, "operator").id
    page = supervisor.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert 'id="tugaskan-ke"' in page
    supervisor.post(f"/console/tiket/{ticket.number}/penanganan",
                    {"action": "tugaskan", "assignee_id": str(operator_id), "holder": "0"})
    assert services.holder(db, reload(db, ticket)).id == operator_id
    queue = supervisor.get("/console/antrean").get_data(as_text=True)
    assert "Operator Call Center</span>" in queue


def test_an_operator_posting_a_give_is_refused_at_the_server(operator, make_ticket, db):
    ticket = make_ticket()
    response = operator.post(f"/console/tiket/{ticket.number}/penanganan",
                             {"action": "tugaskan", "holder": "0",
                              "assignee_id": str(user_named(db, "supervisor").id)},
                             follow_redirects=True)
    assert "Hanya supervisor" in response.get_data(as_text=True)
    assert services.holder(db, reload(db, ticket)) is None


def test_the_pokja_inbox_has_tiket_saya(pokja, make_ticket, db):
    mine, other = make_ticket(Status.FORWARDED), make_ticket(Status.FORWARDED)
    pokja.post(f"/console/tiket/{mine.number}/penanganan", {"action": "ambil", "holder": "0"})
    page = pokja.get("/console/kotak-masuk?penanganan=saya").get_data(as_text=True)
    assert mine.number in page and other.number not in page
    assert "Admin Pokja Infrastruktur" in pokja.get("/console/kotak-masuk").get_data(as_text=True)


def test_the_inbox_rows_read_only_what_the_inbox_gives_them(app):
    """The shared row template is the pokja inbox's alone (the queue has _queue_table.html):
    it reads no queue-only value (flags, hand-back marks) that its one caller never passes."""
    source = app.jinja_env.loader.get_source(app.jinja_env, "agents/_ticket_rows.html")[0]
    read = meta.find_undeclared_variables(app.jinja_env.parse(source))
    ambient: dict[str, object] = dict(app.jinja_env.globals)
    with app.test_request_context():
        app.update_template_context(ambient)  # the context processors' values
    assert read - set(ambient) == {"page", "holders", "due_label", "followup"}


def test_every_column_sorts_both_ways_and_the_links_keep_the_filters(operator, make_ticket,
                                                                     db):
    categories = list(db.scalars(select(Category).order_by(Category.name)))
    made = [make_ticket(created_at=utcnow() - timedelta(hours=i), category=categories[i % 3])
            for i in range(4)]
    for key in ("nomor", "masuk", "batas", "status", "kategori", "kecamatan"):
        for arah in ("naik", "turun"):
            page = operator.get(f"/console/antrean?urut={key}&arah={arah}&q=Jalan"
                                ).get_data(as_text=True)
            assert sorted(_numbers(page)) == sorted(t.number for t in made), (key, arah)
    page = operator.get("/console/antrean?urut=nomor&arah=turun&q=Jalan").get_data(as_text=True)
    assert _numbers(page) == sorted(_numbers(page), reverse=True)
    # The column's link turns the order around and keeps the search.
    link = re.search(r'<a class="sort on" data-sort="nomor" href="([^"]+)"', page)
    assert link and "arah=naik" in link.group(1) and "q=Jalan" in link.group(1)


def test_a_cursor_of_another_order_is_refused_in_indonesian(operator, make_ticket):
    make_ticket()
    response = operator.get("/console/antrean?urut=nomor&after=bm90LWEtY3Vyc29y")
    assert response.status_code == 422
    assert "Penanda halaman tidak valid." in response.get_data(as_text=True)
    assert operator.get("/console/antrean?urut=sembarang").status_code == 422


def test_early_warnings_come_first_whatever_the_order(operator, make_ticket, db):
    old = make_ticket(created_at=utcnow() - timedelta(days=3))
    warned = make_ticket(description="Ada bentrok warga di pasar")
    warn_of_conflict(db, warned)
    for sort in ("", "&urut=nomor&arah=turun", "&urut=masuk"):
        page = operator.get("/console/antrean?x=1" + sort).get_data(as_text=True)
        assert _numbers(page)[0] == warned.number
        assert _numbers(page).count(warned.number) == 1 and old.number in _numbers(page)
    assert 'class=" warning"' in page or "warning" in page.split(warned.number)[0][-200:]


def _attribute(page: str, name: str) -> str:
    found = re.search(rf'id="antrean"[^>]* {name}="([^"]*)"', page)
    assert found, name
    return html.unescape(found.group(1))


def test_a_later_page_refreshes_its_own_rows_and_counts_as_new_only_tickets_made_after_it(
        operator, make_ticket, db):
    now = utcnow()
    oldest, middle, newest = (make_ticket(created_at=now - timedelta(hours=h)) for h in (3, 2, 1))
    # Newest first, the page after the first ticket: the two older ones.
    cursor = list_tickets(db, user_named(db, "operator"),
                          Filters(sort=sort_key("masuk", descending=True)),
                          tz="Asia/Jakarta", limit=1).next_cursor
    assert cursor
    later = f"/console/antrean?urut=masuk&arah=turun&after={cursor}"
    page = operator.get(later).get_data(as_text=True)
    assert _numbers(page) == [middle.number, oldest.number]
    assert 'data-later="1"' in page and "data-static" not in page
    assert re.search(r'<p class="flash info" id="ada-baru" role="status" hidden>', page)
    assert "Ada tiket baru — kembali ke halaman pertama" in page
    # The refresh asks for this page again: its own cursor, order and filters.
    table = operator.get(_attribute(page, "data-table")).get_data(as_text=True)
    assert _numbers(table) == [middle.number, oldest.number]
    assert "« Halaman pertama" in table
    # "New" starts after the newest ticket there is, not the newest this page shows.
    since = re.search(r'data-newest="(\d+)"', page)
    assert since and int(since.group(1)) == newest.id
    look = operator.get(f"{_attribute(page, 'data-changes')}&sejak={since.group(1)}")
    assert look.json["baru"] == 0
    make_ticket()
    look = operator.get(f"{_attribute(page, 'data-changes')}&sejak={since.group(1)}")
    assert look.json["baru"] == 1
    # The first page has no notice and polls its own table.
    first = operator.get("/console/antrean").get_data(as_text=True)
    assert 'id="ada-baru"' not in first and "data-later" not in first
    assert "after=" not in _attribute(first, "data-table")


def test_the_live_look_answers_304_until_something_changes(operator, make_ticket, db):
    first = make_ticket()
    look = operator.get(f"/console/antrean/perubahan?sejak={first.id}")
    assert look.status_code == 200 and look.json["baru"] == 0
    tag = look.headers["ETag"]
    again = operator.get(f"/console/antrean/perubahan?sejak={first.id}",
                         headers={"If-None-Match": tag})
    assert again.status_code == 304
    make_ticket()
    fresh = operator.get(f"/console/antrean/perubahan?sejak={first.id}",
                         headers={"If-None-Match": tag})
    assert fresh.status_code == 200 and fresh.json["baru"] == 1
    # Taking a ticket changes the queue too.
    tag = fresh.headers["ETag"]
    services.assign(db, user_named(db, "operator"), first.number, user_named(db, "operator").id)
    db.commit()
    assert operator.get(f"/console/antrean/perubahan?sejak={first.id}",
                        headers={"If-None-Match": tag}).status_code == 200


def test_the_live_look_respects_the_filters(operator, make_ticket, db):
    first = make_ticket()
    make_ticket(category=db.scalars(select(Category)
                                    .where(Category.pokja_id == pokja_named(db, "DLH").id))
                .first())
    look = operator.get(f"/console/antrean/perubahan?sejak={first.id}"
                        f"&category_id={first.category_id}")
    assert look.json["baru"] == 0
    assert operator.get("/console/antrean/perubahan?status=nope").status_code == 422


def test_the_table_alone_is_served_for_the_live_refresh(operator, make_ticket):
    ticket = make_ticket()
    part = operator.get("/console/antrean?bagian=tabel").get_data(as_text=True)
    assert part.lstrip().startswith('<div id="antrean-isi"') and ticket.number in part


def test_a_view_is_saved_listed_applied_and_deleted(operator, make_ticket, db):
    operator.post("/console/antrean/tampilan", {"view_name": "Jalan", "q": "jalan",
                                                "status": "semua", "after": "zzz"})
    page = operator.get("/console/antrean").get_data(as_text=True)
    link = re.search(r'<a href="(/console/antrean\?[^"]+)">Jalan</a>', page)
    assert link and "after" not in link.group(1)
    view_id = services.views(db, user_named(db, "operator"))[0].id
    asked = operator.post(f"/console/antrean/tampilan/{view_id}/hapus", {})
    assert "Hapus tampilan ini" in asked.get_data(as_text=True)
    assert len(services.views(db, user_named(db, "operator"))) == 1  # asked, not deleted
    operator.post(f"/console/antrean/tampilan/{view_id}/hapus", {"konfirmasi": "ya"})
    assert services.views(db, user_named(db, "operator")) == []


def test_an_unnamed_view_is_refused_and_the_filters_stay(operator):
    response = operator.post("/console/antrean/tampilan", {"view_name": " ", "q": "banjir"},
                             follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Beri nama tampilan ini." in page and 'value="banjir"' in page


def test_bulk_asks_once_then_reports_each_ticket(supervisor, make_ticket, db):
    a, closed = make_ticket(), make_ticket(Status.ANSWERED)
    rina = User(username="rina", full_name="Rina", password_hash="-", role=Role.OPERATOR)
    db.add(rina)
    db.commit()
    data = {"bulk_action": "tugaskan", "assignee_id": str(rina.id),
            "tiket": [f"{a.number}:{a.version}", f"{closed.number}:{closed.version}"]}
    ask = supervisor.post("/console/antrean/massal", data).get_data(as_text=True)
    assert "Tugaskan tiket berikut kepada <strong>Rina</strong>?" in ask
    assert services.holder(db, reload(db, a)) is None  # nothing done before "Ya"
    done = supervisor.post("/console/antrean/massal", {**data, "yakin": "1"})
    page = done.get_data(as_text=True)
    assert done.status_code == 200
    assert "1 tiket selesai, 1 ditolak." in page and "tidak lagi ditangani" in page
    assert services.holder(db, reload(db, a)).id == rina.id


def test_bulk_without_a_target_is_refused_in_indonesian(operator, make_ticket):
    a = make_ticket()
    response = operator.post("/console/antrean/massal",
                             {"bulk_action": "teruskan", "tiket": f"{a.number}:{a.version}"})
    assert response.status_code == 422
    assert "Pilih pokja tujuan." in response.get_data(as_text=True)


def test_an_operator_is_offered_only_themselves_in_the_bulk_bar(operator, supervisor,
                                                                make_ticket, db):
    make_ticket()
    rina = User(username="rina", full_name="Rina", password_hash="-", role=Role.OPERATOR)
    db.add(rina)
    db.commit()
    bar = re.compile(r'<select name="assignee_id" data-for="tugaskan".*?</select>', re.S)
    mine = bar.search(operator.get("/console/antrean").get_data(as_text=True)).group(0)
    assert "Operator Call Center" in mine and "Rina" not in mine
    theirs = bar.search(supervisor.get("/console/antrean").get_data(as_text=True)).group(0)
    assert "Rina" in theirs and "Operator Call Center" in theirs
