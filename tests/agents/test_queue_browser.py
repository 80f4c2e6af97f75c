"""The operator's desk in the real headless Chromium, at 1280 px and on a 390 px phone:
a new ticket appears in the open queue without a reload (counted in the tab title, a
beep when switched on), a later page refreshes itself and points to new tickets it does
not show, early warnings first, taking a ticket, "Tiket saya", a saved
view and its deletion, a bulk action with its one confirmation."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from desk import services
from tests.agents.conftest import user_named, warn_of_conflict
from tests.agents.test_browser import browser, sign_in  # noqa: F401  (the module's browser)
from tests.waiting import wait_until
from tickets.clock import utcnow
from tickets.models import Status
from tickets.queue import Filters, list_tickets, sort_key

pytestmark = pytest.mark.slow


def _row(page, number: str):  # type: ignore[no-untyped-def]
    return page.locator(f'#antrean tr[data-number="{number}"]')


def _fits(page, width: int) -> None:  # type: ignore[no-untyped-def]
    # Measured once the stylesheet applies: right after a navigation on a busy machine
    # the table was measured before its phone layout (694 px, the header row showing).
    page.wait_for_load_state("load")
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    wide = page.evaluate(f"""[...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > {width})
        .map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 8)""")
    assert scroll <= width, f"{page.url} is {scroll} px wide: {wide}"


def _live_ticket_appears(page, make_ticket) -> None:  # type: ignore[no-untyped-def]
    """A ticket made through the service while the queue is open shows within 5 s."""
    made = make_ticket(description="Lampu jalan mati di depan pasar")
    started = time.monotonic()
    wait_until(lambda: _row(page, made.number).count() == 1, 5.0, "the new ticket's row")
    assert time.monotonic() - started < 5.0
    expect(_row(page, made.number)).to_have_class(re.compile(r"\bbaru\b"))
    assert page.title().startswith("(1) ")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_desk_at_each_width(browser, live_server, make_ticket, db, width):  # noqa: F811
    old = make_ticket(description="Jalan berlubang di desa Lapeo")
    warned = make_ticket(description="Ada bentrok warga di pasar")
    warn_of_conflict(db, warned)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID",
                                  is_mobile=width < 500, has_touch=width < 500)
    context.set_default_timeout(60_000)  # a shared, busy machine
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    sign_in(page, live_server, "operator")
    expect(page.locator("h1")).to_have_text("Antrean verifikasi")
    _fits(page, width)
    # Early warnings first, highlighted.
    first = page.locator("#antrean tr[data-number]").first
    expect(first).to_have_attribute("data-number", warned.number)
    expect(first).to_have_class(re.compile(r"\bwarning\b"))

    # The sound is off by default and stays as switched, in this browser.
    expect(page.locator("#bunyi")).not_to_be_checked()
    page.check("#bunyi")
    page.reload()
    expect(page.locator("#bunyi")).to_be_checked()
    _live_ticket_appears(page, make_ticket)
    wait_until(lambda: page.evaluate("document.body.getAttribute('data-beeps')"), 5.0,
               "the beep")

    # Take a ticket on its page; the queue and "Tiket saya" show it.
    page.goto(f"{live_server}/console/tiket/{old.number}")
    expect(page.locator("#pemegang")).to_have_text("Belum diambil siapa pun.")
    page.click("#ambil")
    expect(page.locator("#pemegang")).to_have_text("Operator Call Center")
    page.goto(f"{live_server}/console/antrean")
    expect(_row(page, old.number).locator("td.holder")).to_contain_text("Operator Call Center")
    page.click("#tiket-saya")
    expect(page.locator("#antrean tr[data-number]")).to_have_count(1)

    # A saved view: saved under a name, applied, deleted after the confirmation.
    page.goto(f"{live_server}/console/antrean?q=Lapeo&urut=nomor&arah=turun")
    page.fill("input[name=view_name]", "Jalan terbaru")
    page.click("button:has-text('Simpan tampilan')")
    expect(page.locator(".flash.ok")).to_contain_text("Tampilan 'Jalan terbaru' disimpan.")
    page.goto(f"{live_server}/console/antrean")
    page.click("#tampilan a:has-text('Jalan terbaru')")
    expect(page.locator("#antrean tr[data-number]")).to_have_count(1)
    page.click("#tampilan button:has-text('hapus')")
    page.click("button:has-text('Ya, hapus')")  # the confirmation page
    expect(page.locator(".flash.ok")).to_contain_text("Tampilan 'Jalan terbaru' dihapus.")

    # Bulk: take two tickets at once, with one confirmation; one refused is reported.
    free = make_ticket(description="Sampah menumpuk di TPS pasar")
    closed = make_ticket(Status.ANSWERED)
    page.goto(f"{live_server}/console/antrean?status=semua")
    for ticket in (free, closed):
        _row(page, ticket.number).locator("input[name=tiket]").check()
    page.select_option("#bulk-action", "tugaskan")
    page.select_option("#massal select[name=assignee_id]", label="Operator Call Center")
    page.click("#massal button:has-text('Lanjutkan')")
    expect(page.locator("#konfirmasi")).to_contain_text("Operator Call Center")
    _fits(page, width)
    page.click("#ya-lakukan")
    expect(page.locator("#hasil-ringkas")).to_have_text("1 tiket selesai, 1 ditolak.")
    expect(page.locator("#hasil")).to_contain_text("tidak lagi ditangani")
    _fits(page, width)
    page.goto(f"{live_server}/console/antrean?penanganan=saya")
    expect(_row(page, free.number)).to_have_count(1)
    assert dialogs == []  # every question is a page of the server's (confirm_first)
    context.close()


def test_a_pokja_admin_takes_a_ticket_on_a_phone(browser, live_server, make_ticket):  # noqa: F811
    ticket = make_ticket(Status.FORWARDED)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, live_server, "pokja")
    page.goto(f"{live_server}/console/tiket/{ticket.number}")
    page.click("#ambil")
    expect(page.locator("#pemegang")).to_have_text("Admin Pokja Infrastruktur")
    page.goto(f"{live_server}/console/kotak-masuk")
    page.click("#tiket-saya")
    page.wait_for_url("**penanganan=saya**")
    expect(page.locator("table.list")).to_contain_text(ticket.number)
    _fits(page, 390)
    context.close()


def test_a_later_page_refreshes_itself_and_points_to_new_tickets_on_the_first(
        browser, live_server, make_ticket, db):  # noqa: F811
    now = utcnow()
    oldest, middle, newest = (make_ticket(created_at=now - timedelta(hours=h)) for h in (3, 2, 1))
    cursor = list_tickets(db, user_named(db, "operator"),
                          Filters(sort=sort_key("masuk", descending=True)),
                          tz="Asia/Jakarta", limit=1).next_cursor
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    context.set_default_timeout(60_000)  # a shared, busy machine
    page = context.new_page()
    sign_in(page, live_server, "operator")
    expect(page.locator("h1")).to_have_text("Antrean verifikasi")
    page.goto(f"{live_server}/console/antrean?urut=masuk&arah=turun&after={cursor}")
    expect(page.locator("#antrean tr[data-number]")).to_have_count(2)
    expect(page.locator("#ada-baru")).to_be_hidden()
    # A colleague takes a ticket of this page: its row says so without a reload.
    services.assign(db, user_named(db, "supervisor"), middle.number,
                    user_named(db, "supervisor").id)
    db.commit()
    expect(_row(page, middle.number).locator("td.holder")).to_have_text("Pimpinan",
                                                                        timeout=5_000)
    # A new ticket belongs on the first page (newest first): this page says so.
    made = make_ticket(description="Pohon tumbang menutup jalan")
    wait_until(lambda: page.locator("#ada-baru").is_visible(), 5.0, "the notice")
    expect(page.locator("#ada-baru")).to_have_text("Ada tiket baru — kembali ke halaman pertama")
    assert page.title().startswith("(1) ")
    expect(page.locator("#antrean tr[data-number]")).to_have_count(2)  # its own rows only
    page.click("#ada-baru a")
    expect(page.locator("#antrean tr[data-number]").first).to_have_attribute(
        "data-number", made.number)
    expect(page.locator("#ada-baru")).to_have_count(0)
    assert newest.number in page.locator("#antrean").inner_text()
    context.close()
