"""The dashboard in a real headless Chromium, on a desktop and on a phone."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import expect

from tests.agents.test_browser import browser, sign_in  # noqa: F401  (the fixture)
from tickets.models import Channel, Status

DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "dashboard.png"


def test_the_supervisor_reads_the_dashboard_on_a_desktop_and_a_phone(
        browser, live_server, make_ticket, db, tmp_path, database_url):  # noqa: F811
    for status, code, channel in [(Status.FORWARDED, "PUPR", Channel.WALK_IN),
                                  (Status.ANSWERED, "PUPR", Channel.PHONE),
                                  (Status.AWAITING_VERIFICATION, "DINKES", Channel.PHONE),
                                  (Status.IN_PROGRESS, "DINKES", Channel.SMS_WA),
                                  (Status.FORWARDED, "DISDIK", Channel.WEB)]:
        make_ticket(status, code=code, channel=channel)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    sign_in(page, live_server, "supervisor")
    page.goto(f"{live_server}/console/dasbor")
    expect(page.locator("h1")).to_have_text("Dasbor pengaduan")
    expect(page.locator("#total-received")).to_have_text("5")
    charts = page.locator("svg[role=img]")
    expect(charts).to_have_count(9)  # the early warnings per kecamatan among them
    assert "pengaduan diterima" in (charts.first.locator("desc").text_content() or "")
    page.click("text=Bulan lalu")
    expect(page.locator(".presets a[aria-current]")).to_have_text("Bulan lalu")
    page.goto(f"{live_server}/console/dasbor")
    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    if database_url.startswith("sqlite") and (
            os.environ.get("UPDATE_SCREENSHOTS") == "1" or not DOCS_SCREENSHOT.exists()):
        DOCS_SCREENSHOT.write_bytes(shot.read_bytes())
    context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID",
                                is_mobile=True)
    page = phone.new_page()
    sign_in(page, live_server, "supervisor")
    page.goto(f"{live_server}/console/dasbor")
    expect(page.locator("#total-received")).to_have_text("5")
    # The dashboard's content fits the phone (tables scroll inside their card). The
    # console's header is the console's own 390 px work, not this page's.
    assert page.evaluate("document.querySelector('main').scrollWidth") <= 390
    # A chart keeps its drawn size, so its labels stay readable, and scrolls inside its
    # card (tests/agents/test_screens_browser.py measures the labels).
    box = page.locator(".chart figure").first.bounding_box()
    assert box is not None and box["width"] <= 390
    phone.close()
