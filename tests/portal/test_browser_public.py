"""The public pages in a real headless Chromium, with JavaScript off, on a 390 px phone
and a wide screen: the tracking form works, nothing overflows, nothing is refused by the
Content-Security-Policy, and no asset comes from another origin."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.agents.test_browser import browser, sign_in  # noqa: F401  (fixture)
from tests.portal.conftest import ANSWER, LAST_FOUR, SUMMARY
from tickets.models import Status

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.slow
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 860)])
def test_the_public_pages_work_without_javascript_narrow_and_wide(
        browser, live_server, make_ticket, width, height, database_url):  # noqa: F811
    ticket = make_ticket(Status.ANSWERED, answer=ANSWER)
    context = browser.new_context(viewport={"width": width, "height": height},
                                  locale="id-ID", java_script_enabled=False)
    page = context.new_page()
    # The operator publishes in the console: a summary written for the public, then the step.
    sign_in(page, live_server, "operator")
    page.goto(f"{live_server}/console/tiket/{ticket.number}")
    page.fill("textarea[name=public_summary]", SUMMARY)
    page.click("text=Publikasikan ringkasan dan jawaban")
    expect(page.locator("#publikasi .badge")).to_have_text("Dipublikasikan")
    context.clear_cookies()
    refused: list[str] = []
    other_origins: list[str] = []
    page.on("console", lambda m: refused.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: other_origins.append(r.url)
            if not r.url.startswith(live_server) else None)

    def fits() -> None:
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"page is {overflow}px wide at {width}px"

    page.goto(f"{live_server}/")
    expect(page.locator("h1")).to_have_text("Sampaikan pengaduan Anda")
    fits()

    page.click("nav >> text=Lacak tiket")
    expect(page.locator("h1")).to_have_text("Lacak tiket")
    page.get_by_label("Nomor tiket (8 angka)").fill(ticket.number)
    page.get_by_label("Empat angka terakhir nomor HP pelapor").fill("0000")
    page.click("button[type=submit]")
    expect(page.locator("[role=alert]")).to_contain_text("tidak ditemukan")
    page.get_by_label("Empat angka terakhir nomor HP pelapor").fill(LAST_FOUR)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text(f"Tiket {ticket.number}")
    expect(page.locator(".answer")).to_contain_text(ANSWER)
    expect(page.locator(".timeline li")).to_have_count(3)
    fits()
    target = DOCS / "public-lacak.png"
    if width == 390 and database_url.startswith("sqlite") and (
            os.environ.get("UPDATE_SCREENSHOTS") == "1" or not target.exists()):
        page.screenshot(path=str(target), full_page=True)  # a test leaves docs/ alone

    page.click("nav >> text=Jawaban")
    expect(page.locator("article")).to_have_count(1)
    expect(page.locator("article")).to_contain_text(SUMMARY)
    page.get_by_label("Cari").fill("tidak ada yang cocok")
    page.click("button[type=submit]")
    expect(page.locator("article")).to_have_count(0)
    page.click("footer >> text=Masuk konsol petugas")
    expect(page.locator("h1")).to_have_text("Masuk ke konsol")
    assert refused == [] and other_origins == []
    context.close()
