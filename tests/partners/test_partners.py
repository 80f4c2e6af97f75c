"""Partner institutions: the admin's list, a pokja's question by signed link, what the
partner sees (only what the pokja chose; never an anonim reporter), the link for one
ticket only, until it expires or is revoked, the answer and its file back at the pokja."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from notify.models import OutboxMessage
from partners import services
from partners.models import Partner, PartnerChange, PartnerRequest
from tests.agents.conftest import csrf_token, pokja_named, reload
from tests.partners.conftest import ask
from tickets.clock import utcnow
from tickets.errors import InvalidInput
from tickets.models import Status

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
ANSWER = "Tiang akan diganti oleh regu PLN pada Kamis pagi; jalur listrik dipadamkan 2 jam."


def _path(link: str) -> str:
    return urlsplit(link).path


def _answer(client, path: str, **data):  # type: ignore[no-untyped-def]
    body = {"csrf_token": csrf_token(client, path), "answer": ANSWER,
            "answered_by": "Andi, Manajer UP3", **data}
    return client.post(path, data=body, content_type="multipart/form-data")


def test_the_partner_sees_the_summary_by_default_and_never_the_reporter(
        app, db, pokja, pln, road_ticket):
    status, link = ask(pokja, road_ticket, pln)
    assert status == 200 and link
    page = app.test_client().get(_path(link))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Tiang listrik miring" in text and "Jl. Poros Desa Sukamaju" in text
    assert "Kapan tiang listrik diperbaiki?" in text
    assert "Budi Santoso" not in text and "7890" not in text
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert '<meta name="referrer" content="no-referrer">' in text
    # The token is stored hashed only, and the partner is sent the link by e-mail and WA.
    token = link.rsplit("/", 1)[1]
    req = db.scalars(select(PartnerRequest)).one()
    assert req.token_hash != token and len(req.token_hash) == 64
    sent = db.scalars(select(OutboxMessage).where(OutboxMessage.event == f"mitra#{req.id}"))
    assert {m.channel for m in sent} == {"email", "whatsapp"}
    # Every partner step is in the audit trail, shared with the pokja.
    assert any("Ditanyakan kepada lembaga mitra PLN" in (e.note or "")
               for e in reload(db, road_ticket).events)


def test_the_partner_sees_nothing_the_pokja_did_not_choose(app, pokja, pln, road_ticket):
    _, link = ask(pokja, road_ticket, pln, share_description="", share_location="")
    text = app.test_client().get(_path(link)).get_data(as_text=True)
    assert "Tiang listrik miring" not in text and "Sukamaju" not in text
    assert "Kapan tiang listrik diperbaiki?" in text


def test_the_reporter_is_shown_only_when_chosen_and_never_on_an_anonim_ticket(
        app, db, pokja, pln, make_ticket, road_ticket):
    _, link = ask(pokja, road_ticket, pln, share_reporter="1")
    assert "Budi Santoso" in app.test_client().get(_path(link)).get_data(as_text=True)
    anonim = make_ticket(Status.IN_PROGRESS, anonim=True)
    status, refused = ask(pokja, anonim, pln, share_reporter="1")
    assert status == 422 and refused is None
    _, link = ask(pokja, anonim, pln)
    # Even a row that says otherwise (edited by hand) does not show an anonim reporter.
    req = db.scalars(select(PartnerRequest).where(PartnerRequest.ticket_id == anonim.id)).one()
    req.share_reporter = req.share_recording = True
    db.commit()
    text = app.test_client().get(_path(link)).get_data(as_text=True)
    assert "Budi Santoso" not in text and "+6281234567890" not in text


def test_a_link_works_for_its_ticket_only_and_not_after_expiry_or_revocation(
        app, db, pokja, pln, make_ticket, road_ticket, settings):
    _, link = ask(pokja, road_ticket, pln)
    client = app.test_client()
    unknown = client.get("/mitra/" + "A" * 43)
    assert unknown.status_code == 404 and "Tautan ini tidak dikenal." in unknown.get_data(
        as_text=True)
    assert client.get("/mitra/bukan-token").status_code == 404
    # The recording route of another ticket's recording is not reachable through it.
    assert client.get(_path(link) + "/rekaman/1").status_code == 404
    req = db.scalars(select(PartnerRequest)).one()
    req.expires_at = utcnow() - timedelta(minutes=1)
    db.commit()
    expired = client.get(_path(link))
    assert expired.status_code == 403
    assert "Masa berlaku tautan ini telah habis" in expired.get_data(as_text=True)
    assert "Tiang listrik" not in expired.get_data(as_text=True)

    _, fresh = ask(pokja, road_ticket, pln)
    fresh_req = db.scalars(select(PartnerRequest).order_by(PartnerRequest.id.desc())).first()
    assert fresh_req is not None
    pokja.post(f"/console/tiket/{road_ticket.number}/cabut-mitra",
               {"request_id": str(fresh_req.id)})
    revoked = client.get(_path(fresh))
    assert revoked.status_code == 403 and "dicabut" in revoked.get_data(as_text=True)
    db.expire_all()
    with pytest.raises(services.LinkRefused):
        services.submit_answer(db, fresh.rsplit("/", 1)[1], ANSWER, "Andi", None,
                               files_dir=settings.recordings_dir)
    db.rollback()
    assert any("dicabut" in (e.note or "") for e in reload(db, road_ticket).events)


def test_the_answer_and_its_file_return_to_the_pokja_never_to_the_reporter(
        app, db, pokja, pln, road_ticket, settings):
    _, link = ask(pokja, road_ticket, pln)
    client = app.test_client()
    response = _answer(client, _path(link), file=(BytesIO(PNG), "foto tiang.png"))
    assert response.status_code == 303
    shown = client.get(response.location).get_data(as_text=True)
    assert "Tanggapan terkirim" in shown
    req = db.scalars(select(PartnerRequest)).one()
    db.refresh(req)
    assert req.answer == ANSWER and req.file_type == "image/png"
    assert req.file_name == "foto tiang.png"
    ticket = reload(db, road_ticket)
    assert ticket.status is Status.IN_PROGRESS and not ticket.answer
    assert [m.event for m in db.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == ticket.reporter_phone))] == ["forwarded"]
    told = db.scalars(select(OutboxMessage).where(OutboxMessage.event == f"mitra-jawab#{req.id}"))
    assert pokja_named(db, "PUPR").email in {m.recipient for m in told}
    # The pokja reads it and its file, and adopts it into its own draft.
    page = pokja.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert ANSWER in page and "foto tiang.png" in page
    file = pokja.get(f"/console/tiket/{ticket.number}/mitra/{req.id}/berkas")
    assert file.status_code == 200 and file.data == PNG
    assert pokja.post(f"/console/tiket/{ticket.number}/pakai-mitra",
                      {"request_id": str(req.id)}).status_code == 302
    ticket = reload(db, road_ticket)
    assert ticket.answer == ANSWER and ticket.status is Status.IN_PROGRESS
    assert any("dipakai untuk jawaban pokja" in (e.note or "") for e in ticket.events)
    # Another pokja's user cannot open the file.
    assert client.get(f"/console/tiket/{ticket.number}/mitra/{req.id}/berkas").status_code == 302
    # A second answer through the same link is refused; the page offers no form.
    assert 'id="form-tanggapan"' not in client.get(_path(link)).get_data(as_text=True)
    db.expire_all()
    with pytest.raises(InvalidInput):
        services.submit_answer(db, link.rsplit("/", 1)[1], "Lain", "Andi", None,
                               files_dir=settings.recordings_dir)
    db.rollback()


def test_a_refused_file_loses_nothing_typed_and_writes_nothing(app, db, pokja, pln,
                                                               road_ticket, settings):
    _, link = ask(pokja, road_ticket, pln)
    client = app.test_client()
    for data, name in ((b"MZ\x90\x00 not a photo", "virus.exe"),
                       (b"\xff\xd8\xff" + b"\x00" * (services.MAX_FILE_BYTES + 1), "big.jpg")):
        response = _answer(client, _path(link), file=(BytesIO(data), name))
        text = response.get_data(as_text=True)
        assert response.status_code == 422
        assert ANSWER in text and "Andi, Manajer UP3" in text
        assert "tetap tersimpan" in text
    req = db.scalars(select(PartnerRequest)).one()
    db.refresh(req)
    assert req.answered_at is None and req.file_path is None
    assert not (settings.recordings_dir / "partners").exists()
    ok = _answer(client, _path(link), file=(BytesIO(PDF), "surat.pdf"))
    assert ok.status_code == 303


def test_the_admin_keeps_the_partner_list_with_its_history(db, admin, pokja2, make_ticket):
    pupr, dinkes = pokja_named(db, "PUPR"), pokja_named(db, "DINKES")
    response = admin.post("/console/admin/mitra", {
        "name": "BPJS Kesehatan Cabang", "email": "cabang@bpjs.example.id", "whatsapp": "",
        "pokja_ids": [str(dinkes.id)], "active": "1"})
    assert response.status_code == 302
    bpjs = db.scalars(select(Partner).where(Partner.name == "BPJS Kesehatan Cabang")).one()
    assert [p.code for p in bpjs.pokjas] == ["DINKES"]
    refused = admin.post("/console/admin/mitra", {"name": "Tanpa kontak", "email": "",
                                                  "whatsapp": "", "active": "1"})
    assert refused.status_code == 422
    assert "Isi email atau nomor WhatsApp" in refused.get_data(as_text=True)
    admin.post("/console/admin/mitra", {
        "partner_id": str(bpjs.id), "name": bpjs.name, "email": "cabang@bpjs.example.id",
        "whatsapp": "", "pokja_ids": [str(dinkes.id), str(pupr.id)], "active": "1"})
    changes = db.scalars(select(PartnerChange).where(PartnerChange.partner_id == bpjs.id)
                         .order_by(PartnerChange.id)).all()
    assert [c.summary.split(":")[0] for c in changes] == ["Ditambahkan", "Diubah"]
    assert "pokja DINKES, PUPR" in changes[-1].summary
    assert "Riwayat perubahan" in admin.get("/console/admin/mitra").get_data(as_text=True)
    # Only the pokja the admin chose may ask a partner.
    health = make_ticket(Status.IN_PROGRESS, code="DINKES")
    pln = db.scalars(select(Partner).where(Partner.name.like("PLN%"))).one()
    status, link = ask(pokja2, health, pln)
    assert status == 422 and link is None


def test_overdue_partner_questions_are_reminded_once_a_day_and_shown_to_the_pokja(
        app, db, pokja, pln, road_ticket):
    ask(pokja, road_ticket, pln)
    req = db.scalars(select(PartnerRequest)).one()
    req.due_at = utcnow() - timedelta(hours=2)
    db.commit()
    composer = app.extensions["hotline"].composer
    assert composer.partner_reminders(db) == 2  # e-mail and WhatsApp
    assert composer.partner_reminders(db) == 0
    db.commit()
    inbox = pokja.get("/console/kotak-masuk").get_data(as_text=True)
    assert "Tanggapan lembaga mitra yang terlambat" in inbox and road_ticket.number in inbox
    assert "Terlambat" in pokja.get(f"/console/tiket/{road_ticket.number}").get_data(
        as_text=True)


@pytest.mark.parametrize("days", ["0", "61", "x"])
def test_the_link_lifetime_is_checked(pokja, pln, road_ticket, days):
    status, link = ask(pokja, road_ticket, pln, link_days=days)
    assert status == 422 and link is None


def _stored_recording(db, ticket, recordings_dir) -> int:  # type: ignore[no-untyped-def]
    import wave

    from tickets.models import Recording, RecordingStatus
    recordings_dir.mkdir(parents=True, exist_ok=True)
    path = recordings_dir / f"rec-{ticket.id}.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * 8000)
    rec = Recording(ticket_id=ticket.id, recording_sid=f"RE{ticket.id:032d}",
                    status=RecordingStatus.STORED, path=path.name)
    db.add(rec)
    db.commit()
    return rec.id


def test_the_recording_is_heard_only_when_chosen_and_never_from_an_anonim_ticket(
        app, db, pokja, pln, make_ticket, road_ticket, settings):
    rec_id = _stored_recording(db, road_ticket, settings.recordings_dir)
    client = app.test_client()
    _, plain = ask(pokja, road_ticket, pln)
    assert "rekaman" not in client.get(_path(plain)).get_data(as_text=True).split("<form")[0]
    assert client.get(f"{_path(plain)}/rekaman/{rec_id}").status_code == 404
    _, shared = ask(pokja, road_ticket, pln, share_recording="1")
    assert f"/rekaman/{rec_id}" in client.get(_path(shared)).get_data(as_text=True)
    audio = client.get(f"{_path(shared)}/rekaman/{rec_id}")
    assert audio.status_code == 200 and audio.mimetype.startswith("audio/")
    # Another ticket's recording is not reachable through this ticket's link.
    other = make_ticket(Status.IN_PROGRESS)
    other_rec = _stored_recording(db, other, settings.recordings_dir)
    assert client.get(f"{_path(shared)}/rekaman/{other_rec}").status_code == 404
    # On an anonim ticket a row that says "share" (edited by hand) still shares nothing.
    anonim = make_ticket(Status.IN_PROGRESS, anonim=True)
    anonim_rec = _stored_recording(db, anonim, settings.recordings_dir)
    _, link = ask(pokja, anonim, pln)
    req = db.scalars(select(PartnerRequest).where(PartnerRequest.ticket_id == anonim.id)).one()
    req.share_recording = True
    db.commit()
    assert client.get(f"{_path(link)}/rekaman/{anonim_rec}").status_code == 404


def test_any_other_address_under_mitra_answers_with_the_partner_error_page(app):
    client = app.test_client()
    for path in ("/mitra", "/mitra/", "/mitra/a/b/c"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Tautan ini tidak dikenal." in response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"
    assert client.delete("/mitra/" + "A" * 43).status_code == 405
