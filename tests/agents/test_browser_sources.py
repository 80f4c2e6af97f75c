"""End to end in a real headless Chromium (issue 20 flow 4, issue 21): a complaint found
on Facebook is filed at the desk with its link, handle, post date and screenshot (a
refused file first, which loses nothing typed), forwarded "sesuai kategori", answered by
the pokja, and the operator pastes the answer on the post and marks "balas manual" done."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from media.source_demo import screenshot_png
from tests.agents.test_browser import browser, sign_in, sign_out  # noqa: F401  (fixture)
from tickets.models import Status, Ticket
from tickets.sources import Source, TicketSource

LINK = "https://www.facebook.com/groups/wargapolman/posts/555"
TEXT = "Jembatan kayu di Dusun II Desa Lapeo patah; anak sekolah memutar lewat sungai."
ANSWER = "Dinas PUPR memasang jembatan darurat di Dusun II Lapeo mulai hari Kamis."


@pytest.mark.slow
def test_a_facebook_post_is_filed_forwarded_answered_and_replied_by_hand(
        browser, live_server, db, tmp_path: Path):  # noqa: F811
    fake = tmp_path / "layar.png"
    fake.write_bytes(b"<html>bukan gambar</html>")
    shot = tmp_path / "tangkapan.png"
    shot.write_bytes(screenshot_png())

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, live_server, "operator")
    page.goto(f"{live_server}/console/pengaduan-baru")
    page.select_option("select[name=source]", "facebook")
    page.fill("input[name=source_link]", LINK)
    page.fill("input[name=source_author]", "@warga.lapeo")
    page.fill("input[name=source_posted_on]", "2026-12-01")
    page.fill("input[name=location]", "Desa Lapeo")
    page.select_option("select[name=category_id]", label="Jalan dan jembatan")
    page.fill("textarea[name=description]", TEXT)
    page.set_input_files("input[name=source_file]", str(fake))
    page.click("button:has-text('Simpan dan teruskan')")

    # Refused by its bytes: everything typed is still there; only the file is chosen again.
    expect(page.locator("#err-source_file")).to_contain_text("bukan gambar JPEG, PNG, WebP")
    expect(page.locator("input[name=source_link]")).to_have_value(LINK)
    expect(page.locator("input[name=source_author]")).to_have_value("@warga.lapeo")
    expect(page.locator("input[name=source_posted_on]")).to_have_value("2026-12-01")
    expect(page.locator("select[name=source]")).to_have_value("facebook")
    expect(page.locator("textarea[name=description]")).to_have_value(TEXT)
    page.set_input_files("input[name=source_file]", str(shot))
    page.click("button:has-text('Simpan dan teruskan')")
    expect(page.locator("body")).to_contain_text("diteruskan ke Pokja Infrastruktur")
    db.expire_all()
    ticket = db.scalars(select(Ticket).order_by(Ticket.id.desc())).first()
    assert ticket is not None and ticket.status is Status.FORWARDED
    number = ticket.number
    sign_out(page)

    sign_in(page, live_server, "pokja")
    expect(page.locator("h1")).to_contain_text("Kotak masuk Pokja Infrastruktur")
    page.click(f"a:has-text('{number}')")
    expect(page.locator("#sumber")).to_contain_text("Facebook")
    page.fill("textarea[name=answer]", ANSWER)
    page.click("button:has-text('Kirim jawaban')")
    expect(page.locator("h1 .badge")).to_have_text("Sudah dijawab")
    sign_out(page)

    sign_in(page, live_server, "operator")
    page.goto(f"{live_server}/console/tiket/{number}")
    expect(page.locator("#source-link")).to_have_attribute("href", LINK)
    # The screenshot opens through the console's authorised route, as its own bytes say.
    href = page.locator("#source-file").get_attribute("href") or ""
    image = page.request.get(live_server + href)
    assert image.status == 200 and image.headers["content-type"] == "image/png"
    expect(page.locator("#manual-reply-text")).to_have_value(ANSWER)
    page.click("button:has-text('Tandai balasan manual selesai')")
    expect(page.locator(".flash.ok")).to_contain_text("Balasan manual ditandai selesai.")
    expect(page.locator("#manual-reply-done")).to_be_visible()
    expect(page.locator("#manual-reply")).to_have_count(0)
    context.close()
    assert refused == []

    db.expire_all()
    source = db.get(TicketSource, ticket.id)
    assert source is not None and source.kind is Source.FACEBOOK
    assert source.file_type == "image/png" and source.manual_reply_at is not None
