"""Answer fast in the console: the admin's canned replies (delete asked first), the
picker on the ticket page, the desk's message to a reporter on each channel's rules
(against the loopback Twilio peer), and the files of the pokja's answer, public only
while the ticket is published."""

from __future__ import annotations

import html
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from answering.models import AnswerFile, CannedReply, ReporterMessage
from messaging.models import Conversation, InboundMessage
from notify.models import OutboxMessage, OutboxStatus
from tests.agents.conftest import pokja_named, reload
from tests.notify.conftest import notify_env
from tickets.clock import utcnow
from tickets.lifecycle import SYSTEM
from tickets.models import Channel, Status, Ticket, TicketEvent
from tickets.services import create_ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64
CALLER = "+6281234567890"
ANSWER = "Lubang di Jalan Sukamaju sudah ditambal pada hari Senin."


def _reply(db, title: str, body: str, pokja=None) -> CannedReply:
    reply = CannedReply(title=title, body=body, pokja_id=pokja.id if pokja else None,
                        active=True)
    db.add(reply)
    db.commit()
    return reply


# --- the admin's list ---------------------------------------------------------------------

def test_the_admin_adds_a_canned_reply_and_an_unknown_placeholder_keeps_what_was_typed(
        admin, db):
    page = admin.post("/console/admin/balasan-cepat", {
        "title": "Salam pembuka", "body": "Yth. {nama_pelapor}, tiket {nomor}.",
        "pokja_id": "", "category_id": "", "active": "1"})
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Placeholder {nama_pelapor} tidak dikenal" in text
    assert "Yth. {nama_pelapor}, tiket {nomor}." in text and 'value="Salam pembuka"' in text
    assert db.scalars(select(CannedReply)).all() == []
    done = admin.post("/console/admin/balasan-cepat", {
        "title": "Salam pembuka", "body": "Yth. {nama}, tiket {nomor}.", "pokja_id": "",
        "category_id": "", "active": "1"}, follow_redirects=True)
    assert "Balasan cepat ditambahkan." in done.get_data(as_text=True)
    (reply,) = db.scalars(select(CannedReply)).all()
    assert reply.body == "Yth. {nama}, tiket {nomor}." and reply.pokja_id is None


def test_deleting_a_canned_reply_asks_on_the_confirmation_page_and_deletes_only_when_confirmed(
        admin, db):
    reply_id = _reply(db, "Sudah diperbaiki", "Sudah diperbaiki. Tiket {nomor}.").id
    asked = admin.post("/console/admin/balasan-cepat", {"action": "hapus",
                                                        "reply_id": str(reply_id)})
    assert asked.status_code == 200
    page = html.unescape(asked.get_data(as_text=True))
    assert 'id="konfirmasi"' in page  # the one confirmation page (agents.web.confirm_first)
    assert 'Hapus balasan cepat "Sudah diperbaiki"?' in page and "Batal" in page
    assert f'name="reply_id" value="{reply_id}"' in page and 'name="konfirmasi" value="ya"' in page
    db.expire_all()
    assert db.get(CannedReply, reply_id) is not None  # nothing deleted yet
    # The old page's own confirmation field no longer counts as an answer.
    again = admin.post("/console/admin/balasan-cepat", {
        "action": "hapus", "reply_id": str(reply_id), "confirmed": "1"})
    assert 'id="konfirmasi"' in again.get_data(as_text=True)
    db.expire_all()
    assert db.get(CannedReply, reply_id) is not None
    done = admin.post("/console/admin/balasan-cepat", {
        "action": "hapus", "reply_id": str(reply_id), "konfirmasi": "ya"}, follow_redirects=True)
    assert 'Balasan cepat "Sudah diperbaiki" dihapus.' in html.unescape(done.get_data(as_text=True))
    db.expire_all()
    assert db.scalars(select(CannedReply)).all() == []


def test_only_the_admin_opens_the_canned_replies(operator, pokja):
    assert operator.get("/console/admin/balasan-cepat").status_code == 403
    assert pokja.get("/console/admin/balasan-cepat").status_code == 403


def test_the_pokja_answer_form_offers_its_canned_replies_filled_for_the_ticket(
        pokja, make_ticket, db):
    ticket = make_ticket(Status.FORWARDED, anonim=True)
    _reply(db, "Selesai", "Yth. {nama}, tiket {nomor} sudah ditangani {pokja}.",
           pokja=pokja_named(db, "PUPR"))
    _reply(db, "Lain pokja", "Bukan untuk PUPR", pokja=pokja_named(db, "DINKES"))
    page = pokja.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    picker = re.search(r'<div class="canned-picker" data-target="answer-text".*?</div>', page,
                       re.S)
    assert picker
    assert (f"Yth. Bapak/Ibu, tiket {ticket.number} sudah ditangani Pokja"
            in picker.group(0))
    assert "Budi" not in picker.group(0) and "Bukan untuk PUPR" not in page


# --- the desk's message to the reporter ---------------------------------------------------

@pytest.fixture
def env_overrides(twilio, mailbox) -> dict[str, str]:
    # The public site's address: a message's links to the answer's files are on it.
    return {**notify_env(twilio, mailbox), "PUBLIC_BASE_URL": "https://lapor.example.go.id"}


def _section(page: str) -> str:
    found = re.search(r'<section class="card" id="pesan-pelapor">(.*?)</section>', page, re.S)
    assert found, "no reporter message section"
    return found.group(1)


def test_an_operator_texts_the_reporter_by_sms_recorded_in_history(
        operator, make_ticket, db, twilio):
    ticket = make_ticket(Status.FORWARDED)
    before = len(twilio.sent(to=CALLER))
    done = operator.post(f"/console/tiket/{ticket.number}/pesan-pelapor", {
        "reporter_text": "Mohon kirim foto lokasi jalan yang rusak.", "reporter_channel": "sms"},
        follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "Pesan untuk pelapor dicatat dan dikirim." in page
    assert "Mohon kirim foto lokasi jalan yang rusak." in _section(page)
    sent = twilio.sent(to=CALLER)[before:]
    assert len(sent) == 1
    assert sent[0]["body"].endswith(f"tiket {ticket.number}: Mohon kirim foto lokasi jalan "
                                    "yang rusak.")
    (row,) = db.scalars(select(OutboxMessage).where(OutboxMessage.event.like("pesan#%")))
    assert (row.channel, row.status) == ("sms", OutboxStatus.SENT)
    assert "Pesan petugas kepada pelapor" in page  # the outbox panel names the event
    notes = [e.note for e in db.scalars(select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "message"))]
    assert any("Pesan kepada pelapor (SMS): Mohon kirim foto" in (n or "") for n in notes)


def test_a_voice_call_reads_the_message_to_the_reporter(operator, make_ticket, twilio):
    ticket = make_ticket(Status.FORWARDED)
    operator.post(f"/console/tiket/{ticket.number}/pesan-pelapor", {
        "reporter_text": "Petugas & tim datang besok pagi.", "reporter_channel": "voice"})
    (call,) = twilio.sent("Calls", to=CALLER)
    assert "Petugas &amp; tim datang besok pagi." in call["twiml"]
    assert " ".join(ticket.number) in call["twiml"]


def _whatsapp_ticket(db, last_inbound_hours: float) -> Ticket:
    ticket = create_ticket(db, channel=Channel.WHATSAPP, actor=SYSTEM, tz="Asia/Jakarta",
                           reporter_phone=CALLER, description="Lampu jalan mati.")
    db.add(Conversation(address=f"whatsapp:{CALLER}", channel="whatsapp", phone=CALLER,
                        last_inbound_at=utcnow() - timedelta(hours=last_inbound_hours)))
    db.commit()
    return ticket


def test_whatsapp_inside_the_24_hour_window_goes_free_form(operator, db, twilio):
    ticket = _whatsapp_ticket(db, last_inbound_hours=2)
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert 'value="whatsapp"' in _section(page)  # the usual channel, listed first
    operator.post(f"/console/tiket/{ticket.number}/pesan-pelapor", {
        "reporter_text": "Lampu akan diganti hari Kamis.", "reporter_channel": "whatsapp"})
    (wa,) = twilio.sent(to=f"whatsapp:{CALLER}")
    assert wa["body"].endswith("Lampu akan diganti hari Kamis.")


def test_whatsapp_outside_the_window_without_a_template_falls_back_to_sms(operator, db, twilio):
    ticket = _whatsapp_ticket(db, last_inbound_hours=30)
    operator.post(f"/console/tiket/{ticket.number}/pesan-pelapor", {
        "reporter_text": "Lampu akan diganti hari Kamis.", "reporter_channel": "whatsapp"})
    assert twilio.sent(to=f"whatsapp:{CALLER}") == []
    (sms,) = twilio.sent(to=CALLER)
    assert sms["body"].endswith("Lampu akan diganti hari Kamis.")
    (row,) = db.scalars(select(OutboxMessage).where(OutboxMessage.event.like("pesan#%")))
    assert row.channel == "sms"


def test_a_refused_message_keeps_what_was_typed(operator, make_ticket, db):
    ticket = make_ticket(Status.FORWARDED, contact_opt_out=True)
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Pelapor meminta untuk tidak dihubungi lagi" in _section(page)
    ticket2 = make_ticket(Status.FORWARDED)
    refused = operator.post(f"/console/tiket/{ticket2.number}/pesan-pelapor", {
        "reporter_text": "Pesan yang sudah diketik panjang.", "reporter_channel": "fax"})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Pilih saluran yang tersedia untuk pelapor ini." in text
    assert "Pesan yang sudah diketik panjang." in _section(text)
    assert db.scalars(select(ReporterMessage)).all() == []


def test_a_pokja_may_not_message_the_reporter(pokja, make_ticket, db):
    ticket = make_ticket(Status.FORWARDED)
    page = pokja.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert 'id="pesan-pelapor"' not in page
    refused = pokja.post(f"/console/tiket/{ticket.number}/pesan-pelapor", {
        "reporter_text": "Halo", "reporter_channel": "sms"})
    assert refused.status_code == 403
    assert db.scalars(select(ReporterMessage)).all() == []


# --- the files of the pokja's answer --------------------------------------------------------

def _answer(agent, number: str, files: list[tuple[bytes, str]], action: str = "jawab",
            text: str = ANSWER):
    data = {"answer": text, "lampiran": [(io.BytesIO(b), name) for b, name in files]}
    data["csrf_token"] = agent.token()
    page = agent.get(f"/console/tiket/{number}").get_data(as_text=True)
    data["version"] = re.search(r'name="version" value="(\d+)"', page).group(1)
    return agent.client.post(f"/console/tiket/{number}/{action}", data=data,
                             content_type="multipart/form-data")


def test_a_refused_file_keeps_the_typed_answer_and_writes_nothing(pokja, make_ticket, db):
    ticket = make_ticket(Status.FORWARDED)
    refused = _answer(pokja, ticket.number, [(PNG, "foto.png"), (b"MZ\x90\x00 bukan", "x.exe")])
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'Lampiran "x.exe" ditolak: bukan gambar JPEG, PNG, WebP atau PDF' in html.unescape(text)
    assert ANSWER in text  # the answer box still holds it
    assert db.scalars(select(AnswerFile)).all() == []
    assert reload(db, ticket).status is Status.FORWARDED


def test_an_answer_with_a_photo_and_a_letter_is_public_only_once_published(
        pokja, operator, make_ticket, db, app):
    ticket = make_ticket(Status.FORWARDED)
    done = _answer(pokja, ticket.number, [(PNG, "perbaikan.png"), (PDF, "surat dinas.pdf")])
    assert done.status_code == 302
    db.expire_all()
    rows = db.scalars(select(AnswerFile).order_by(AnswerFile.id)).all()
    assert [(r.file_name, r.content_type) for r in rows] == [
        ("perbaikan.png", "image/png"), ("surat dinas.pdf", "application/pdf")]
    assert reload(db, ticket).status is Status.ANSWERED
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert 'id="lampiran-jawaban"' in page and "perbaikan.png" in page
    photo = operator.get(f"/console/tiket/{ticket.number}/lampiran-jawaban/{rows[0].id}")
    assert photo.status_code == 200 and photo.data == PNG and photo.mimetype == "image/png"
    public = app.test_client()
    assert public.get(f"/jawaban/{ticket.number}/lampiran/{rows[0].id}").status_code == 404
    t = reload(db, ticket)
    t.public_summary, t.answer_published, t.published_at = "Jalan berlubang.", True, utcnow()
    db.commit()
    shown = public.get(f"/jawaban/{ticket.number}").get_data(as_text=True)
    assert "Foto 1" in shown and "Surat 2 (PDF)" in shown
    assert "perbaikan.png" not in shown and "surat dinas" not in shown  # names stay inside
    got = public.get(f"/jawaban/{ticket.number}/lampiran/{rows[0].id}")
    assert got.status_code == 200 and got.data == PNG
    letter = public.get(f"/jawaban/{ticket.number}/lampiran/{rows[1].id}")
    assert letter.mimetype == "application/pdf"
    assert f"lampiran-{ticket.number}-2.pdf" in letter.headers["Content-Disposition"]
    t.rahasia = True  # a ticket that turns rahasia stops being public, files too
    db.commit()
    assert public.get(f"/jawaban/{ticket.number}/lampiran/{rows[0].id}").status_code == 404


def test_the_reporters_message_can_carry_the_public_links_of_the_answer_files(
        pokja, operator, make_ticket, db, twilio):
    ticket = make_ticket(Status.FORWARDED)
    _answer(pokja, ticket.number, [(PNG, "perbaikan.png")])
    (row,) = db.scalars(select(AnswerFile)).all()
    operator.post(f"/console/tiket/{ticket.number}/pesan-pelapor", {
        "reporter_text": "Foto perbaikan dapat dilihat di tautan berikut.",
        "reporter_channel": "sms", "with_links": "1"})
    body = twilio.sent(to=CALLER)[-1]["body"]
    assert f"https://lapor.example.go.id/jawaban/{ticket.number}/lampiran/{row.id}" in body


def test_a_pokja_removes_a_file_while_it_still_works_on_the_answer(pokja, make_ticket, db):
    ticket = make_ticket(Status.FORWARDED)
    _answer(pokja, ticket.number, [(PNG, "salah.png")], action="draf")
    (row,) = db.scalars(select(AnswerFile)).all()
    done = pokja.post(f"/console/tiket/{ticket.number}/hapus-lampiran",
                      {"file_id": str(row.id)}, follow_redirects=True)
    assert "Lampiran jawaban dihapus." in done.get_data(as_text=True)
    db.expire_all()
    assert db.scalars(select(AnswerFile)).all() == []


def test_another_pokja_cannot_attach_or_read_the_files(pokja, pokja2, make_ticket, db):
    ticket = make_ticket(Status.FORWARDED)
    _answer(pokja, ticket.number, [(PNG, "foto.png")], action="draf")
    (row,) = db.scalars(select(AnswerFile)).all()
    assert pokja2.get(f"/console/tiket/{ticket.number}/lampiran-jawaban/{row.id}"
                      ).status_code == 404


def test_the_desks_message_takes_its_place_in_a_whatsapp_conversation(operator, db, twilio):
    ticket = _whatsapp_ticket(db, last_inbound_hours=1)
    message = InboundMessage(message_sid="SM" + "a" * 32, conversation_id=db.scalars(
        select(Conversation)).one().id, body="Lampu jalan mati di depan pasar.",
        role="content", ticket_id=ticket.id)
    db.add(message)
    db.commit()
    operator.post(f"/console/tiket/{ticket.number}/pesan-pelapor", {
        "reporter_text": "Terima kasih, petugas sudah kami kirim.",
        "reporter_channel": "whatsapp"})
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    thread = re.search(r'id="percakapan">(.*?)</section>', page, re.S).group(1)
    assert thread.index("Lampu jalan mati") < thread.index("petugas sudah kami kirim")
    assert "Pesan petugas (Operator Call Center, WhatsApp)" in thread


def test_the_head_approves_an_answer_with_the_files_it_was_submitted_with(
        pokja, agent, make_ticket, db):
    pokja_named(db, "PUPR").approval_required = True
    db.commit()
    ticket = make_ticket(Status.FORWARDED)
    submitted = _answer(pokja, ticket.number, [(PNG, "perbaikan.png")])
    assert submitted.status_code == 302
    (row,) = db.scalars(select(AnswerFile)).all()
    head = agent("kepala_pupr")
    page = head.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert 'id="persetujuan"' in page and 'id="lampiran-jawaban"' in page
    assert "perbaikan.png" in page and "Hapus lampiran" not in page
    refused = pokja.post(f"/console/tiket/{ticket.number}/hapus-lampiran",
                         {"file_id": str(row.id)})
    assert refused.status_code == 422
    assert "menunggu persetujuan pimpinan OPD" in refused.get_data(as_text=True)
    db.expire_all()
    assert len(db.scalars(select(AnswerFile)).all()) == 1
    approved = head.post(f"/console/tiket/{ticket.number}/setujui", {"answer": ANSWER})
    assert approved.status_code == 302
    assert reload(db, ticket).status is Status.ANSWERED
