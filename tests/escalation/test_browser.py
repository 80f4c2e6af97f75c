"""Both flows end to end in a real headless Chromium.

The ladder: a PUPR ticket long past its deadline is escalated by the scheduler's task,
the regent's office finds it on its overview, opens it read-only and leaves a
disposition, and the pokja reads that disposition at the top of the ticket.

Trusted reporters: the admin registers a ketua RT in the console, the RT phones the
hotline, and the operator sees the ticket marked with the RT's area; the supervisor
finds it counted under that area.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from escalation import tasks
from escalation.models import Escalation
from tests.agents.test_browser import browser, sign_in, sign_out  # noqa: F401  (fixture)
from tickets.models import Ticket

DISPOSITION = "Kepala Dinas PUPR agar menurunkan tim hari ini dan melapor besok pagi."


@pytest.mark.slow
def test_an_overdue_ticket_climbs_the_ladder_and_the_regent_s_instruction_reaches_the_pokja(
        browser, live_server, db, late_ticket):  # noqa: F811
    ticket = late_ticket(12)
    tasks.run.apply()  # the scheduler's hourly beat, twice: nothing twice
    tasks.run.apply()
    db.expire_all()
    assert len(db.scalars(select(Escalation)).all()) == 2

    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="id-ID")
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, live_server, "bupati")
    expect(page.locator("h1")).to_have_text("Keterlambatan per SKPD")
    expect(page.locator("#per-skpd")).to_contain_text("Pokja Infrastruktur (Dinas PUPR)")
    page.click(f"a:has-text('{ticket.number}')")
    expect(page.locator("h1")).to_contain_text(f"Tiket {ticket.number}")
    expect(page.locator("#eskalasi")).to_contain_text("Eskalasi kepala SKPD")
    expect(page.locator("button:has-text('Tambah catatan')")).to_have_count(0)
    page.fill("textarea[name=disposition]", DISPOSITION)
    page.click("button:has-text('Kirim disposisi')")
    expect(page.locator(".flash.ok")).to_contain_text("Disposisi disimpan")
    sign_out(page)

    sign_in(page, live_server, "pokja")
    page.goto(f"{live_server}/console/tiket/{ticket.number}")
    expect(page.locator("#disposisi")).to_contain_text(DISPOSITION)
    expect(page.locator("#disposisi")).to_contain_text("Bupati (pimpinan daerah)")
    expect(page.locator("#disposisi button")).to_have_count(0)
    context.close()
    assert refused == []


@pytest.mark.slow
def test_a_registered_rt_head_phones_in_and_the_operator_sees_their_area(
        browser, live_server, place_call, complaint_wav, db):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="id-ID")
    page = context.new_page()
    sign_in(page, live_server, "admin")
    page.click("nav a:has-text('Daftar pelapor')")
    expect(page.locator("h1")).to_have_text("Pelapor terpercaya")
    page.fill("#pelapor-baru input[name=phone]", "0813-4567-8901")
    page.fill("#pelapor-baru input[name=name]", "Pak Darman")
    page.select_option("#pelapor-baru select[name=role]", "ketua_rt")
    page.select_option("#pelapor-baru select[name=desa_id]", label="Madatte")
    page.fill("#pelapor-baru input[name=rt]", "4")
    page.fill("#pelapor-baru input[name=rw]", "2")
    page.click("#pelapor-baru button")
    expect(page.locator(".flash.ok")).to_contain_text("terdaftar sebagai pelapor terpercaya")
    expect(page.locator("#daftar-pelapor")).to_contain_text(
        "RT 004/RW 002, Desa/Kel. Madatte, Kecamatan Polewali")
    # The registry's history names the admin who registered them.
    expect(page.locator("#riwayat-pelapor")).to_contain_text("Didaftarkan")
    expect(page.locator("#riwayat-pelapor")).to_contain_text("Admin Diskominfo")
    sign_out(page)

    number = place_call("1", "1", "2", "1", recordings=[complaint_wav],
                        from_number="+6281345678901").ticket_number
    assert number
    sign_in(page, live_server, "operator")
    page.goto(f"{live_server}/console/tiket/{number}")
    expect(page.locator("#pelapor-terpercaya")).to_contain_text("Ketua RT Pak Darman")
    expect(page.locator("#pelapor-terpercaya")).to_contain_text(
        "RT 004/RW 002, Desa/Kel. Madatte, Kecamatan Polewali")
    sign_out(page)

    sign_in(page, live_server, "supervisor")
    page.click("nav a:has-text('Pelapor terpercaya')")
    expect(page.locator("#per-wilayah")).to_contain_text("Madatte Kec. Polewali")
    expect(page.locator("#laporan-terbaru")).to_contain_text(number)
    context.close()
    db.expire_all()
    ticket = db.scalars(select(Ticket).where(Ticket.number == number)).one()
    assert ticket.location == "RT 004/RW 002, Desa/Kel. Madatte, Kecamatan Polewali"
