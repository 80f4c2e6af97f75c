"""End to end in headless Chromium: on an agency with approval on, the pokja's answer
waits for the head, who edits and approves it; only then is the ticket answered."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.agents.test_browser import browser, sign_in, sign_out  # noqa: F401  (fixture)
from tickets.models import Status, Ticket
from tickets.services import status_report

DRAFT = "Atap kelas akan diperbaiki pekan depan."
FINAL = "Atap kelas SD Negeri 3 diperbaiki mulai Senin oleh Dinas Pendidikan."


@pytest.mark.slow
def test_the_head_edits_and_approves_the_pokjas_draft_in_the_browser(
        browser, live_server, make_ticket, db):  # noqa: F811
    ticket = make_ticket(Status.FORWARDED, code="DISDIK",
                         description="Atap ruang kelas SD Negeri 3 bocor.")
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="id-ID")
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text)
            if "Content Security Policy" in m.text else None)

    sign_in(page, live_server, "pokja3")
    page.goto(f"{live_server}/console/tiket/{ticket.number}")
    page.fill("#answer textarea[name=answer]", DRAFT)
    page.click("button:has-text('Ajukan ke pimpinan OPD untuk disetujui')")
    expect(page.locator("#persetujuan")).to_contain_text("Menunggu persetujuan pimpinan OPD")
    expect(page.locator("#draft-text")).to_have_text(DRAFT)
    expect(page.locator("#answer")).to_have_count(0)
    db.expire_all()
    assert status_report(db, ticket.number, phone=ticket.reporter_phone).answer is None
    sign_out(page)

    sign_in(page, live_server, "pimpinan")
    expect(page.locator("h1")).to_contain_text("Jawaban menunggu persetujuan")
    page.click(f"#drafts a:has-text('{ticket.number}')")
    page.fill("#approve textarea[name=answer]", FINAL)
    page.click("button:has-text('Setujui dan kirim kepada pelapor')")
    expect(page.locator(".flash.ok")).to_have_text("Jawaban disetujui dan dikirim kepada pelapor.")
    expect(page.locator("#no-drafts")).to_be_visible()
    db.expire_all()
    answered = db.scalars(select(Ticket).where(Ticket.number == ticket.number)).one()
    assert answered.status is Status.ANSWERED and answered.answer == FINAL
    assert status_report(db, ticket.number, phone=ticket.reporter_phone).answer == FINAL
    assert refused == []
    context.close()
