"""The operator's desk in the real headless Chromium, on a 1280 px desk and a 390 px phone:
find a caller by phone, recognise them on the ticket, see a colleague on the same ticket,
keep typed text through a conflict, move on with "simpan & berikutnya", filter the
tickets a pokja handed back; and a pokja never sees an anonim reporter's history."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.agents.test_browser import browser, sign_in  # noqa: F401  (the module's browser)
from tickets import clock
from tickets.followup import return_to_callcentre
from tickets.models import Status

from .conftest import user_named

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "console-desk.png"
TYPED = "Jembatan kayu di Dusun Krajan ambles, ketikan operator yang tidak boleh hilang."


def _fits(page, width: int) -> None:  # type: ignore[no-untyped-def]
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide"


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 390])
def test_the_operator_finds_recognises_and_works_through_the_queue(
        browser, live_server, make_ticket, db, width, database_url, tmp_path):  # noqa: F811
    earlier = make_ticket(Status.ANSWERED, created_at=clock.utcnow() - timedelta(days=60))
    current = make_ticket(created_at=clock.utcnow() - timedelta(hours=3))
    following = make_ticket(reporter_phone="+6285712345678", reporter_name="Siti Aminah",
                            created_at=clock.utcnow() - timedelta(hours=2))
    returned = make_ticket(Status.FORWARDED, reporter_phone="+6285611112222")
    return_to_callcentre(db, user_named(db, "pokja"), returned.number,
                         "Jalan provinsi, bukan wewenang kabupaten.", version=None,
                         tz="Asia/Jakarta")
    db.commit()

    size = {"width": width, "height": 900 if width > 400 else 844}
    phone = width < 400
    operator_ctx = browser.new_context(viewport=size, locale="id-ID", is_mobile=phone,
                                       has_touch=phone)
    page = operator_ctx.new_page()
    sign_in(page, live_server, "operator")
    expect(page.locator("h1")).to_have_text("Antrean verifikasi")

    # Search by phone, typed the way the caller says it (on a phone the filters fold).
    if phone:
        page.click("#filter-tombol")
    page.fill("input[name=q]", "0812-3456-7890")
    page.select_option("select[name=status]", "semua")
    page.click("button:has-text('Terapkan')")
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("table.list")).to_contain_text(earlier.number)
    expect(page.locator("table.list")).not_to_contain_text(following.number)
    _fits(page, width)

    # Handed back by a pokja: marked, and filtered.
    page.goto(f"{live_server}/console/antrean")
    if phone:
        page.click("#filter-tombol")
    page.check("input[name=dikembalikan]")
    page.click("button:has-text('Terapkan')")
    expect(page.locator("table.list tbody tr")).to_have_count(1)
    expect(page.locator(".badge.returned")).to_have_text(
        "Dikembalikan oleh Pokja Infrastruktur (Dinas PUPR): Jalan provinsi, bukan wewenang "
        "kabupaten.")
    _fits(page, width)

    # The queue as the operator works it: awaiting verification, oldest first.
    page.goto(f"{live_server}/console/antrean")
    page.click(f"a:has-text('{current.number}')")
    expect(page.locator("#pelapor-berulang")).to_have_text("Pelapor ini sudah 2 kali melapor")
    expect(page.locator("#riwayat-pelapor")).to_contain_text(earlier.number)
    _fits(page, width)

    # A colleague opens the same ticket: each sees the other.
    other_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    other = other_ctx.new_page()
    sign_in(other, live_server, "supervisor")
    other.goto(f"{live_server}/console/tiket/{current.number}")
    expect(other.locator("#sedang-dibuka")).to_have_text(
        "Sedang dibuka oleh Operator Call Center")
    page.reload()
    expect(page.locator("#sedang-dibuka")).to_have_text("Sedang dibuka oleh Pimpinan")
    _fits(page, width)

    # The operator types; the colleague saves first; the operator's text survives.
    page.fill("#verify textarea[name=description]", TYPED)
    other.fill("#verify textarea[name=description]", "Jalan rusak di depan pasar.")
    other.click("#verify button:has-text('Simpan')>>nth=0")
    expect(other.locator(".flash.ok")).to_have_text("Perubahan disimpan.")
    page.click("#simpan-berikutnya")
    expect(page.locator("#konflik")).to_contain_text("Tiket ini telah diubah oleh Pimpinan")
    expect(page.locator("#verify textarea[name=description]")).to_have_value(TYPED)
    expect(page.locator("#beda-description ins").first).to_be_visible()
    expect(page.locator("#beda-description del").last).to_contain_text("pasar.")
    _fits(page, width)
    if width > 400 and database_url.startswith("sqlite") and (
            os.environ.get("UPDATE_SCREENSHOTS") == "1" or not SCREENSHOT.exists()):
        shot = tmp_path / SCREENSHOT.name
        page.screenshot(path=str(shot), full_page=False)
        SCREENSHOT.write_bytes(shot.read_bytes())

    # Saved again knowingly, it goes on to the queue's next ticket.
    page.click("#simpan-berikutnya")
    expect(page.locator("h1")).to_contain_text(f"Tiket {following.number}")
    expect(page.locator(".flash.ok")).to_have_text("Perubahan disimpan.")
    expect(page.locator("#pelapor-baru")).to_be_visible()
    _fits(page, width)
    other_ctx.close()
    operator_ctx.close()


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 390])
def test_a_pokja_sees_a_known_callers_history_but_never_an_anonim_ones(
        browser, live_server, make_ticket, width):  # noqa: F811
    earlier = make_ticket(Status.ANSWERED, created_at=clock.utcnow() - timedelta(days=9))
    known = make_ticket(Status.FORWARDED)
    anonim = make_ticket(Status.FORWARDED, anonim=True)
    context = browser.new_context(viewport={"width": width, "height": 844}, locale="id-ID")
    page = context.new_page()
    sign_in(page, live_server, "pokja")
    page.goto(f"{live_server}/console/tiket/{known.number}")
    expect(page.locator("#pelapor-berulang")).to_have_text("Pelapor ini sudah 2 kali melapor")
    expect(page.locator("#riwayat-pelapor")).to_contain_text(earlier.number)
    expect(page.locator("#riwayat-pelapor")).not_to_contain_text(anonim.number)
    _fits(page, width)
    page.goto(f"{live_server}/console/tiket/{anonim.number}")
    expect(page.locator("h1")).to_contain_text(anonim.number)
    expect(page.locator("#riwayat-pelapor")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("+6281234567890")
    _fits(page, width)
    context.close()
