"""The console on a phone: at 390 px wide, in the real headless Chromium, the header, the
queue, the outbox and the ticket page fit without scrolling sideways."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.agents.test_browser import browser, sign_in  # noqa: F401  (the module's browser)
from tickets.models import Recording, Status, Transcript

WIDTH = 390
DOCS = Path(__file__).resolve().parents[2] / "docs"
LONG = ("selamat siang bu saya mau melaporkan jalan kabupaten di dusun krajan desa "
        "sukamaju yang rusak parah berlubang dan ambles di dekat jembatan sudah tiga "
        "bulan tidak diperbaiki padahal setiap hari dilewati anak sekolah dan truk pasir "
        "kemarin malam ada pengendara motor yang jatuh karena lubangnya tidak kelihatan")


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    # Measured once the page has settled: the open queue swaps its table in place.
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width} px wide"
    # Every link of the bar and the sign-out button are on screen, none pushed off.
    for box in page.locator("header.top a, header.top button").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().right)"):
        assert box <= WIDTH, f"header item ends at {box} px on {page.url}"


def _shot(page, name: str, database_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=False)
    target = DOCS / name
    if database_url.startswith("sqlite") and (
            os.environ.get("UPDATE_SCREENSHOTS") == "1" or not target.exists()):
        target.write_bytes(shot.read_bytes())


@pytest.mark.slow
def test_header_queue_outbox_and_ticket_fit_a_390_px_phone(
        browser, live_server, make_ticket, db, tmp_path, database_url):  # noqa: F811
    waiting = make_ticket(description=None, category=None, pokja=None,
                          location="Dusun Krajan RT 02 RW 05, Desa Sukamaju")
    recording = Recording(ticket=waiting, recording_sid="RE" + "6" * 32, duration_seconds=48.0)
    db.add(recording)
    db.flush()
    db.add(Transcript(ticket_id=waiting.id, recording_id=recording.id, engine="whisper",
                      text=LONG, words=[]))
    for _ in range(3):
        make_ticket(description="Sampah menumpuk di TPS pasar dan tidak diangkut seminggu.",
                    code="DLH")
    make_ticket(Status.FORWARDED)  # its notifications fill the outbox
    db.commit()

    context = browser.new_context(viewport={"width": WIDTH, "height": 844}, locale="id-ID",
                                  device_scale_factor=1, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, live_server, "operator")
    expect(page.locator("h1")).to_have_text("Antrean verifikasi")
    _fits(page)
    _shot(page, "console-phone-queue.png", database_url, tmp_path)

    page.goto(f"{live_server}/console/tiket/{waiting.number}")
    expect(page.locator("#saran")).to_contain_text("saran sistem")
    _fits(page)
    _shot(page, "console-phone-ticket.png", database_url, tmp_path)
    page.click("header button:has-text('Keluar')")

    sign_in(page, live_server, "supervisor")
    for path in ("/console/pesan", "/console/laporan", "/console/kotak-masuk"):
        page.goto(f"{live_server}{path}")
        _fits(page)
    page.goto(f"{live_server}/console/pesan")
    expect(page.locator("header.top")).to_contain_text("Pesan")
    expect(page.locator("header button:has-text('Keluar')")).to_be_in_viewport()
    _shot(page, "console-phone-outbox.png", database_url, tmp_path)
    context.close()
