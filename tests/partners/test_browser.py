"""End to end in headless Chromium: a pokja asks a partner institution; the partner opens
the signed link without an account, a refused file keeps what was typed, the answer and
its photo return to the pokja, which adopts it into its own answer and sends it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.agents.test_browser import browser, sign_in  # noqa: F401  (fixture)
from tests.partners.conftest import LINK
from tickets.models import Status, Ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ANSWER = "Regu PLN mengganti tiang yang miring pada Kamis pagi."


@pytest.mark.slow
def test_a_partner_answers_through_its_link_and_the_pokja_uses_the_answer(
        browser, live_server, road_ticket, db, tmp_path):  # noqa: F811
    pokja = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = pokja.new_page()
    sign_in(page, live_server, "pokja")
    page.goto(f"{live_server}/console/tiket/{road_ticket.number}")
    page.select_option("#ask-partner select[name=partner_id]", label="PLN UP3 Polewali (demo)")
    page.fill("#ask-partner textarea[name=question]", "Kapan tiang listrik diganti?")
    page.uncheck("#ask-partner input[name=share_location]")
    page.click("button:has-text('Kirim ke lembaga mitra')")
    expect(page.locator(".flash.ok")).to_have_text("Pertanyaan dikirim kepada lembaga mitra.")
    found = LINK.search(page.locator(".flash.link").inner_text())
    assert found
    link = found.group(1)

    partner_context = browser.new_context(locale="id-ID")  # no console session at all
    partner = partner_context.new_page()
    refused: list[str] = []
    partner.on("console", lambda m: refused.append(m.text)
               if "Content Security Policy" in m.text else None)
    partner.goto(link)
    expect(partner.locator("h1")).to_contain_text(road_ticket.number)
    expect(partner.locator("#uraian")).to_contain_text("Tiang listrik miring")
    expect(partner.locator("#lokasi")).to_have_count(0)
    expect(partner.locator("#pelapor")).to_have_count(0)
    partner.fill("textarea[name=answer]", ANSWER)
    partner.fill("input[name=answered_by]", "Andi, Manajer UP3")
    wrong = tmp_path / "catatan.txt"
    wrong.write_text("bukan foto")
    partner.set_input_files("input[name=file]", str(wrong))
    partner.click("button:has-text('Kirim tanggapan')")
    expect(partner.locator("#err-file")).to_contain_text("Jenis berkas tidak diterima")
    expect(partner.locator("textarea[name=answer]")).to_have_value(ANSWER)
    expect(partner.locator("input[name=answered_by]")).to_have_value("Andi, Manajer UP3")
    photo = tmp_path / "tiang.png"
    photo.write_bytes(PNG)
    partner.set_input_files("input[name=file]", str(photo))
    partner.click("button:has-text('Kirim tanggapan')")
    expect(partner.locator("#terkirim")).to_contain_text("Tanggapan terkirim")
    assert refused == []

    page.reload()
    expect(page.locator("#mitra .partner-answer")).to_have_text(ANSWER)
    expect(page.locator("#mitra")).to_contain_text("tiang.png")
    page.click("button:has-text('Pakai untuk jawaban pokja')")
    expect(page.locator("#answer textarea[name=answer]")).to_have_value(ANSWER)
    page.click("button:has-text('Kirim jawaban (sudah dijawab)')")
    expect(page.locator(".flash.ok")).to_have_text("Jawaban dikirim.")
    db.expire_all()
    ticket = db.scalars(select(Ticket).where(Ticket.number == road_ticket.number)).one()
    assert ticket.status is Status.ANSWERED and ticket.answer == ANSWER
    # The partner's link now shows its answer, nothing more.
    partner.goto(link)
    expect(partner.locator("#terkirim")).to_contain_text(ANSWER)
    partner_context.close()
    pokja.close()
