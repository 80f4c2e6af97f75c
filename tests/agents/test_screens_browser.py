"""Every screen in a real headless Chromium at 1280 px and 390 px, measured: the queue's
tickets on the first screen of a phone (its filters folded behind "Filter"), the
transcript before the analysis, charts with readable labels, the admin's user list
scrolling in its own box, ticket numbers and SLA percentages on one line, a desa list
that follows its kecamatan, a destructive action that asks first, the setup checklist
and the warning to a supervisor whom no alert can reach."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from analytics.models import Place, PlaceKind
from tests.agents.conftest import user_named
from tests.agents.test_browser import browser, sign_in  # noqa: F401  (the module's browser)
from tickets.models import Category, Recording, Status, Transcript

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}
LONG = ("selamat pagi saya mau melaporkan lampu jalan di desa sukamaju mati sudah dua minggu "
        "dan jalannya gelap sekali kalau malam anak anak takut pulang mengaji")
# Every range of text inside these elements is on one line.
ONE_LINE = """els => els.filter(e => {
  const r = document.createRange(); r.selectNodeContents(e);
  const tops = new Set([...r.getClientRects()].filter(b => b.width > 0)
                       .map(b => Math.round(b.top)));
  return tops.size > 1;
}).map(e => e.textContent.trim())"""


def _context(browser, size):  # type: ignore[no-untyped-def]  # noqa: F811
    phone = size is PHONE
    return browser.new_context(viewport=size, locale="id-ID", device_scale_factor=1,
                               is_mobile=phone, has_touch=phone)


def _fits(page, width: int) -> None:  # type: ignore[no-untyped-def]
    # Measured once the stylesheets apply: right after a navigation on a busy machine
    # the page may still be laid out without them (750 px for a 390 px screen).
    page.wait_for_load_state("load")
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide"


def _top(page, selector: str) -> float:  # type: ignore[no-untyped-def]
    return page.locator(selector).first.evaluate("e => e.getBoundingClientRect().top")


@pytest.mark.slow
def test_the_queue_shows_tickets_first_on_a_phone_and_numbers_on_one_line(
        browser, live_server, make_ticket, db):  # noqa: F811
    for _ in range(4):
        make_ticket(description="Lampu jalan mati di depan balai desa sejak dua minggu.")
    db.commit()
    context = _context(browser, PHONE)
    page = context.new_page()
    sign_in(page, live_server, "operator")
    expect(page.locator("h1")).to_contain_text("Antrean verifikasi")
    filters = page.locator("form.filters")
    expect(filters).to_be_hidden()
    first_row = page.locator("table.list tbody tr").first
    assert _top(page, "table.list tbody tr") + 40 < PHONE["height"], "no ticket on screen 1"
    expect(first_row).to_be_in_viewport()
    _fits(page, PHONE["width"])
    page.click("#filter-tombol")
    expect(filters).to_be_visible()
    page.select_option("select[name=status]", "semua")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#filter-tombol")).to_contain_text("1 aktif")
    expect(page.locator("#antrean-csv")).to_have_attribute(
        "href", "/console/antrean.csv?status=semua")
    context.close()

    context = _context(browser, DESK)
    page = context.new_page()
    sign_in(page, live_server, "operator")
    expect(page.locator("form.filters")).to_be_visible()
    expect(page.locator("#filter-tombol")).to_be_hidden()
    numbers = page.locator("td[data-label=Nomor] > a")
    assert numbers.count() == 4
    assert numbers.evaluate_all(ONE_LINE) == []
    _fits(page, DESK["width"])
    context.close()


@pytest.mark.slow
def test_on_a_phone_the_transcript_comes_before_the_analysis(
        browser, live_server, make_ticket, db):  # noqa: F811
    ticket = make_ticket(description=None, category=None, pokja=None)
    recording = Recording(ticket=ticket, recording_sid="RE" + "7" * 32, duration_seconds=20.0)
    db.add(recording)
    db.flush()
    db.add(Transcript(ticket_id=ticket.id, recording_id=recording.id, engine="whisper",
                      text=LONG, words=[]))
    db.commit()
    for size in (PHONE, DESK):
        context = _context(browser, size)
        page = context.new_page()
        sign_in(page, live_server, "operator")
        page.goto(f"{live_server}/console/tiket/{ticket.number}")
        expect(page.locator("#rekaman")).to_contain_text("lampu jalan")
        if size is PHONE:
            assert _top(page, "#rekaman") < _top(page, "#analisis") < _top(page, "#verify")
        _fits(page, size["width"])
        # The desa list follows the chosen kecamatan.
        desa = db.scalars(select(Place).where(Place.kind == PlaceKind.DESA)
                          .order_by(Place.id)).first()
        kecamatan = db.get(Place, desa.parent_id)
        page.select_option("select[name=kecamatan_id]", str(kecamatan.id))
        offered = page.locator("select[name=desa_id] optgroup:not([disabled])")
        expect(offered).to_have_count(1)
        assert offered.get_attribute("label") == kecamatan.name
        page.select_option("select[name=kecamatan_id]", "")
        assert page.locator("select[name=desa_id] optgroup:not([disabled])").count() > 1
        context.close()


@pytest.mark.slow
def test_charts_keep_readable_labels_and_percentages_stay_on_one_line(
        browser, live_server, make_ticket, db):  # noqa: F811
    for code in ("PUPR", "DINKES", "DLH"):
        make_ticket(Status.ANSWERED, code=code)
        make_ticket(Status.FORWARDED, code=code)
    user_named(db, "supervisor").email = "spv@example.go.id"
    db.commit()
    for size in (PHONE, DESK):
        context = _context(browser, size)
        page = context.new_page()
        sign_in(page, live_server, "supervisor")
        page.goto(f"{live_server}/console/dasbor")
        expect(page.locator("h1")).to_have_text("Dasbor pengaduan")
        _fits(page, size["width"])
        heights = page.locator(".chart svg text").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().height)")
        assert heights and min(heights) >= 10, f"chart labels {min(heights):.1f} px high"
        if size is DESK:
            cells = page.locator(".chart details[open] td.num")
            assert cells.count() > 0 and cells.evaluate_all(ONE_LINE) == []
        context.close()


@pytest.mark.slow
def test_the_admin_user_list_scrolls_and_deactivating_asks_first(
        browser, live_server, db, tmp_path):  # noqa: F811
    context = _context(browser, PHONE)
    page = context.new_page()
    sign_in(page, live_server, "admin")
    expect(page.locator("h1")).to_have_text("Pengguna")
    _fits(page, PHONE["width"])
    page.screenshot(path=str(tmp_path / "users.png"), full_page=True)
    # One card per user: every control of every row is whole on the screen's width.
    cut = page.locator("#daftar-pengguna").evaluate("""box => [...box.querySelectorAll(
        'input:not([type=hidden]), select, button')].filter(c => {
        const r = c.getBoundingClientRect(); return r.left < 0 || r.right > 390; })
        .map(c => c.name || c.textContent)""")
    assert cut == []
    last = page.locator("#daftar-pengguna tbody tr").last.locator("button:has-text('Ganti')")
    last.scroll_into_view_if_needed()
    expect(last).to_be_in_viewport()
    context.close()

    context = _context(browser, DESK)
    page = context.new_page()
    sign_in(page, live_server, "admin")
    target = user_named(db, "pokja3")
    row = page.locator("tr", has=page.locator(f"input[name=user_id][value='{target.id}']"))
    row.locator("input[name=active]").uncheck()
    row.locator("button:has-text('Simpan')").click()
    expect(page.locator("#konfirmasi-tanya")).to_contain_text("Nonaktifkan pengguna")
    page.click("text=Batal")
    expect(page.locator("h1")).to_have_text("Pengguna")
    db.expire_all()
    assert user_named(db, "pokja3").active
    row.locator("input[name=active]").uncheck()
    row.locator("button:has-text('Simpan')").click()
    page.click("button:has-text('Ya, nonaktifkan')")
    expect(page.locator(".flash.ok")).to_have_text("Pengguna diperbarui.")
    db.expire_all()
    assert not user_named(db, "pokja3").active
    context.close()


@pytest.mark.slow
def test_the_setup_checklist_and_the_unreachable_supervisor(browser, live_server, db):  # noqa: F811
    db.execute(update(Category).values(active=False))
    db.commit()
    context = _context(browser, DESK)
    page = context.new_page()
    sign_in(page, live_server, "admin")
    expect(page.locator("#persiapan")).to_contain_text("Kategori pengaduan")
    expect(page.locator("#peran-tanpa-kontak")).to_contain_text("Supervisor / pimpinan")
    page.click("#nav-persiapan")
    expect(page.locator("#persiapan-belum")).to_be_visible()
    page.click("#langkah-categories a")
    expect(page.locator("h1")).to_contain_text("Kategori")
    context.close()

    context = _context(browser, PHONE)
    page = context.new_page()
    sign_in(page, live_server, "supervisor")
    expect(page.locator("#tanpa-kontak")).to_be_visible()
    _fits(page, PHONE["width"])
    context.close()
