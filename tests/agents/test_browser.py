"""End to end in a real headless Chromium: a phoned-in complaint is verified, forwarded,
answered in the console, and the caller hears the answer on the status line."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select

from hotline.demo import DEMO_PASSWORD
from media.transcripts import store_transcript
from tickets.models import Status, Ticket

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--autoplay-policy=no-user-gesture-required"]
DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "console-ticket.png"
CORRECTED = ("Jalan di depan SD Negeri 1 Desa Sukamaju, Kecamatan Cibeber, rusak parah dan "
             "berlubang sejak bulan lalu.")
ANSWER = "Jalan depan SD Negeri 1 Sukamaju sudah ditambal oleh Dinas PUPR pada hari Senin."
WORDS = [("Nama", 0.94), ("saya", 0.91), ("Budi", 0.55), ("dari", 0.93), ("desa", 0.9),
         ("Sukamaju", 0.48), ("kecamatan", 0.88), ("Cibeber.", 0.52), ("Jalan", 0.95),
         ("di", 0.97), ("depan", 0.93), ("sekolah", 0.9), ("rusak", 0.92), ("parah", 0.81),
         ("dan", 0.96), ("berlubang", 0.58), ("sejak", 0.9), ("bulan", 0.93), ("lalu.", 0.9)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is needed at /usr/bin/chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/console/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")


def sign_out(page: Page) -> None:
    page.click("header button:has-text('Keluar')")
    expect(page.locator("h1")).to_have_text("Masuk ke konsol")


def add_machine_transcript(db, number: str) -> None:
    """What the speech worker would store (tests run with SPEECH_ENGINE=none)."""
    ticket = db.scalars(select(Ticket).where(Ticket.number == number)).one()
    words = [{"word": w, "start": i * 0.45, "end": i * 0.45 + 0.4, "confidence": c}
             for i, (w, c) in enumerate(WORDS)]
    store_transcript(db, ticket.recordings[0].id, {
        "text": " ".join(w for w, _ in WORDS), "words": words, "engine": "whisper",
        "model": "base", "confidence": 0.82, "language": "id"}, tz="Asia/Jakarta")
    db.commit()


@pytest.mark.slow
def test_a_phoned_complaint_is_verified_forwarded_answered_and_heard_by_the_caller(
        browser, live_server, place_call, complaint_wav, db, tmp_path, database_url):
    number = place_call("1", "1", "2", "1", recordings=[complaint_wav]).ticket_number
    assert number
    add_machine_transcript(db, number)

    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="id-ID")
    page = context.new_page()
    # The console runs under a strict Content-Security-Policy: nothing may be refused.
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, live_server, "operator")
    expect(page.locator("h1")).to_have_text("Antrean verifikasi")
    page.click(f"a:has-text('{number}')")
    expect(page.locator("h1")).to_contain_text(f"Tiket {number}")

    # The recording plays through the authorised route (with Range requests).
    page.wait_for_function(
        "() => { const a = document.getElementById('player');"
        " return a && a.readyState >= 1 && a.duration > 0; }", timeout=15_000)
    assert page.evaluate("document.getElementById('player').duration") > 2
    # A transcript word seeks the audio to where it was said.
    page.click("#transcript .w:has-text('rusak')")
    page.wait_for_function("() => document.getElementById('player').currentTime >= 5.3")
    page.evaluate("document.getElementById('player').pause()")
    assert page.locator("#transcript .w.low").count() == 4

    page.fill("textarea[name=description]", CORRECTED)
    page.select_option("select[name=priority]", "1")
    shot = tmp_path / "console-ticket.png"
    page.screenshot(path=str(shot))
    page.click("button:has-text('Verifikasi & teruskan')")
    expect(page.locator(".flash.ok")).to_contain_text("diteruskan ke pokja")
    expect(page.locator("h1 .badge")).to_have_text("Diteruskan ke pokja")
    sign_out(page)

    sign_in(page, live_server, "pokja")
    expect(page.locator("h1")).to_contain_text("Kotak masuk Pokja Infrastruktur")
    page.click(f"a:has-text('{number}')")
    expect(page.locator(".pre").first).to_have_text(CORRECTED)
    page.fill("textarea[name=answer]", ANSWER)
    page.click("button:has-text('Kirim jawaban')")
    expect(page.locator("h1 .badge")).to_have_text("Sudah dijawab")
    context.close()
    assert refused == []

    db.expire_all()
    ticket = db.scalars(select(Ticket).where(Ticket.number == number)).one()
    assert ticket.status is Status.ANSWERED and ticket.description == CORRECTED
    assert ticket.transcript.text.startswith("Nama saya Budi")  # the machine text is kept

    heard = place_call("2", f"{number}#").heard
    assert any(ANSWER in line for line in heard), heard
    assert shot.stat().st_size < 300_000
    # The README's screenshot: refreshed with UPDATE_SCREENSHOTS=1 (or when missing), so
    # an ordinary test run leaves the committed file alone.
    if database_url.startswith("sqlite") and (
            os.environ.get("UPDATE_SCREENSHOTS") == "1" or not DOCS_SCREENSHOT.exists()):
        DOCS_SCREENSHOT.write_bytes(shot.read_bytes())
