"""Answer fast in headless Chromium: the admin writes a canned reply (an unknown
placeholder refused, a delete asked first); a pokja admin on a 390 px phone inserts it
into the answer, edits it, has a wrong file refused without losing the text, and sends
the answer with a repair photo; the public answer page shows the photo once published;
the operator at 1280 px and 390 px writes to the reporter with a canned reply."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from answering.models import AnswerFile, CannedReply
from tests.agents.test_browser import browser, sign_in  # noqa: F401  (the module's browser)
from tests.agents.test_phone_width import WIDTH, _fits
from tickets.clock import utcnow
from tickets.models import Status, Ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CANNED = "Yth. {nama}, pengaduan {nomor} ({kategori}) telah ditindaklanjuti {pokja}."


def _watch_csp(page: Page) -> list[str]:
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text)
            if "Content Security Policy" in m.text else None)
    return refused


@pytest.mark.slow
def test_a_canned_reply_is_written_then_used_in_a_pokja_answer_with_a_photo_on_a_phone(
        browser, live_server, make_ticket, db, tmp_path):  # noqa: F811
    ticket = make_ticket(Status.FORWARDED, anonim=True)

    admin_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    admin = admin_context.new_page()
    refused = _watch_csp(admin)
    sign_in(admin, live_server, "admin")
    admin.click("header a:has-text('Balasan cepat')")
    new = admin.locator("section.card:has(h2:has-text('Balasan cepat baru'))")
    new.locator("input[name=title]").fill("Sudah ditangani")
    new.locator("textarea[name=body]").fill("Yth. {nama_pelapor}, tiket {nomor}.")
    new.locator("button:has-text('Tambah balasan cepat')").click()
    expect(admin.locator("#err-body")).to_contain_text("Placeholder {nama_pelapor} tidak dikenal")
    expect(new.locator("input[name=title]")).to_have_value("Sudah ditangani")
    new.locator("textarea[name=body]").fill(CANNED)
    new.locator("button:has-text('Tambah balasan cepat')").click()
    expect(admin.locator(".flash.ok")).to_have_text("Balasan cepat ditambahkan.")
    # A second one, deleted: the button asks first.
    new.locator("input[name=title]").fill("Salah")
    new.locator("textarea[name=body]").fill("Tidak dipakai {nomor}.")
    new.locator("button:has-text('Tambah balasan cepat')").click()
    salah = admin.locator("section.card:has(input[name=title][value='Salah'])")
    salah.locator("button:has-text('Hapus')").click()
    expect(admin.locator("#konfirmasi h1")).to_contain_text('Hapus balasan cepat "Salah"?')
    admin.click("#konfirmasi button:has-text('Ya, hapus')")
    expect(admin.locator(".flash.ok")).to_have_text('Balasan cepat "Salah" dihapus.')
    assert [r.title for r in db.scalars(select(CannedReply))] == ["Sudah ditangani"]
    assert refused == []
    admin_context.close()

    phone = browser.new_context(viewport={"width": WIDTH, "height": 844}, locale="id-ID",
                                device_scale_factor=1, is_mobile=True, has_touch=True)
    page = phone.new_page()
    refused = _watch_csp(page)
    sign_in(page, live_server, "pokja")
    page.goto(f"{live_server}/console/tiket/{ticket.number}")
    _fits(page)
    box = page.locator("#answer-text")
    page.click("#canned-answer button:has-text('Sisipkan')")
    inserted = box.input_value()
    assert inserted.startswith("Yth. Bapak/Ibu, pengaduan " + ticket.number)
    assert "Budi" not in inserted  # anonim: never the name for a pokja
    box.press("End")
    box.type(" Foto terlampir.")
    typed = box.input_value()
    wrong = tmp_path / "catatan.txt"
    wrong.write_text("bukan foto")
    page.set_input_files("#answer input[name=lampiran]", str(wrong))
    page.click("#answer button:has-text('Kirim jawaban')")
    expect(page.locator("#err-jawab-lampiran")).to_contain_text(
        'Lampiran "catatan.txt" ditolak')
    expect(page.locator("#answer-text")).to_have_value(typed)
    _fits(page)
    photo = tmp_path / "perbaikan.png"
    photo.write_bytes(PNG)
    page.set_input_files("#answer input[name=lampiran]", str(photo))
    page.click("#answer button:has-text('Kirim jawaban')")
    expect(page.locator(".flash.ok")).to_have_text("Jawaban dikirim.")
    expect(page.locator("#lampiran-jawaban")).to_contain_text("perbaikan.png")
    expect(page.locator("#lampiran-jawaban img.photo")).to_be_visible()
    _fits(page)
    assert refused == []
    phone.close()

    db.expire_all()
    answered = db.scalars(select(Ticket).where(Ticket.number == ticket.number)).one()
    assert answered.status is Status.ANSWERED and answered.answer == typed
    (row,) = db.scalars(select(AnswerFile)).all()
    answered.public_summary, answered.answer_published = "Jalan berlubang diperbaiki.", True
    answered.published_at = utcnow()
    db.commit()
    citizen = browser.new_context(viewport={"width": WIDTH, "height": 844}, locale="id-ID")
    public = citizen.new_page()
    public.goto(f"{live_server}/jawaban/{ticket.number}")
    expect(public.locator("#lampiran img.photo")).to_be_visible()
    expect(public.locator("#lampiran")).to_contain_text("Foto 1")
    assert public.evaluate("document.querySelector('#lampiran img').naturalWidth") >= 0
    response = public.request.get(f"{live_server}/jawaban/{ticket.number}/lampiran/{row.id}")
    assert response.status == 200 and response.body() == PNG
    citizen.close()


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, WIDTH])
def test_the_operator_writes_to_the_reporter_with_a_canned_reply(
        browser, live_server, make_ticket, db, width):  # noqa: F811
    ticket = make_ticket(Status.FORWARDED)
    db.add(CannedReply(title="Minta foto", body="Yth. {nama}, mohon kirim foto lokasi "
                       "untuk tiket {nomor}.", active=True))
    db.commit()
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
    page = context.new_page()
    refused = _watch_csp(page)
    sign_in(page, live_server, "operator")
    page.goto(f"{live_server}/console/tiket/{ticket.number}")
    section = page.locator("#pesan-pelapor")
    section.locator("button:has-text('Sisipkan')").click()
    expect(page.locator("#reporter-text")).to_have_value(
        f"Yth. Budi Santoso, mohon kirim foto lokasi untuk tiket {ticket.number}.")
    page.locator("#reporter-text").press("End")
    page.locator("#reporter-text").type(" Terima kasih.")
    section.locator("select[name=reporter_channel]").select_option("sms")
    section.locator("button:has-text('Kirim pesan')").click()
    expect(page.locator(".flash.ok")).to_have_text("Pesan untuk pelapor dicatat dan dikirim.")
    expect(page.locator("#pesan-pelapor .sent-messages")).to_contain_text(
        "mohon kirim foto lokasi untuk tiket")
    expect(page.locator("#pesan-pelapor .sent-messages")).to_contain_text("Terima kasih.")
    expect(page.locator("#pesan")).to_contain_text("Pesan petugas kepada pelapor")
    if width == WIDTH:
        _fits(page)
    assert refused == []
    context.close()
