"""Issue 20 flow 4 with issue 21's desk uploads: a complaint found on a Facebook post,
in a letter or at the desk is filed with its source (link, handle, date of the post, a
screenshot or scan checked by its bytes); the "sesuai kategori" forward works; a refused
file or field keeps everything typed; a public post's answer is pasted by hand and
marked done ("balas manual")."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from tests.agents.conftest import pokja_named
from tickets.models import Category, Channel, Status, Ticket, TicketEvent
from tickets.sources import Source, TicketSource

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
POST = {"source": "facebook", "source_link": "https://www.facebook.com/groups/warga/posts/1",
        "source_author": "@warga.sukamaju", "source_posted_on": "2026-12-01",
        "location": "Desa Sukamaju", "description": "Jembatan kayu di Dusun II patah."}


def _tickets(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Ticket)) or 0


def _newest(db) -> Ticket:
    db.expire_all()
    return db.scalars(select(Ticket).order_by(Ticket.id.desc())).first()  # type: ignore[return-value]


def _stored_files(app) -> list[Path]:
    root = app.extensions["hotline"].settings.recordings_dir
    return sorted(p for p in Path(root).rglob("src-*")) if Path(root).exists() else []


def test_a_facebook_post_is_filed_with_its_link_handle_date_and_screenshot(operator, db, app):
    response = operator.post("/console/pengaduan-baru", {
        **POST, "action": "simpan", "source_file": (io.BytesIO(PNG), "layar.txt")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    ticket = _newest(db)
    source = db.get(TicketSource, ticket.id)
    assert source is not None and source.kind is Source.FACEBOOK
    assert ticket.channel is Channel.WEB and ticket.status is Status.AWAITING_VERIFICATION
    assert (source.link, source.author, str(source.posted_on)) == (
        POST["source_link"], "@warga.sukamaju", "2026-12-01")
    # The kind comes from the bytes (a PNG), not from the name the browser sent.
    assert source.file_type == "image/png" and source.file_size == len(PNG)
    assert source.file_path is not None and source.file_path.endswith(f"src-{ticket.id}.png")
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Sumber: Facebook" in page and "@warga.sukamaju" in page
    served = operator.get(f"/console/tiket/{ticket.number}/sumber")
    assert served.status_code == 200 and served.data == PNG
    assert served.headers["Content-Type"] == "image/png"


def test_a_letter_scan_is_kept_as_a_pdf_and_files_as_a_walk_in(operator, db):
    response = operator.post("/console/pengaduan-baru", {
        "source": "letter", "source_author": "Kepala Desa Sukamaju",
        "description": "Surat permohonan perbaikan saluran irigasi.", "action": "simpan",
        "source_file": (io.BytesIO(PDF), "surat.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    ticket = _newest(db)
    source = db.get(TicketSource, ticket.id)
    assert ticket.channel is Channel.WALK_IN and source is not None
    assert source.kind is Source.LETTER and source.file_type == "application/pdf"


def test_a_file_that_is_not_an_image_or_pdf_is_refused_and_nothing_typed_is_lost(
        operator, db, app):
    before = _tickets(db)
    response = operator.post("/console/pengaduan-baru", {
        **POST, "note": "Mohon segera.", "action": "simpan",
        "source_file": (io.BytesIO(b"<html><script>alert(1)</script>"), "layar.png")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="err-source_file">Berkas ditolak: bukan gambar JPEG, PNG, WebP atau PDF.' in page
    assert f'value="{POST["source_link"]}"' in page and 'value="@warga.sukamaju"' in page
    assert 'value="2026-12-01"' in page and '<option value="facebook" selected>' in page
    assert "Jembatan kayu di Dusun II patah." in page and 'value="Mohon segera."' in page
    assert _tickets(db) == before and _stored_files(app) == []


def test_a_bad_link_or_a_future_date_is_refused_beside_its_field(operator, db):
    before = _tickets(db)
    page = operator.post("/console/pengaduan-baru", {
        **POST, "source_link": "javascript:alert(1)", "action": "simpan"})
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert 'id="err-source_link">Tautan harus alamat http:// atau https://.' in text
    assert 'value="@warga.sukamaju"' in text
    page = operator.post("/console/pengaduan-baru", {
        **POST, "source_posted_on": "2999-01-01", "action": "simpan"})
    assert 'id="err-source_posted_on">Tanggal unggahan tidak boleh di masa depan.' in (
        page.get_data(as_text=True))
    page = operator.post("/console/pengaduan-baru", {
        **POST, "source_link": "", "action": "simpan"})
    assert 'id="err-source_link">Tautan unggahan wajib diisi' in page.get_data(as_text=True)
    assert _tickets(db) == before


def test_a_file_over_the_app_limit_is_read_and_refused_with_the_form_kept(operator, db):
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * (9 * 1024 * 1024)
    response = operator.post("/console/pengaduan-baru", {
        **POST, "action": "simpan", "source_file": (io.BytesIO(big), "besar.png")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "berkas terlalu besar (maksimal 8 MB)" in page
    assert "Jembatan kayu di Dusun II patah." in page


def test_sesuai_kategori_forwards_to_the_categorys_pokja(operator, db):
    category = db.scalars(select(Category).where(Category.pokja_id.is_not(None))).first()
    assert category is not None
    response = operator.post("/console/pengaduan-baru", {
        **POST, "category_id": str(category.id), "pokja_id": "", "action": "teruskan"})
    assert response.status_code == 302, response.get_data(as_text=True)
    ticket = _newest(db)
    assert ticket.status is Status.FORWARDED and ticket.pokja_id == category.pokja_id


def test_sesuai_kategori_without_a_category_still_asks_for_a_pokja(operator, db):
    before = _tickets(db)
    response = operator.post("/console/pengaduan-baru", {**POST, "action": "teruskan"})
    assert response.status_code == 422
    assert 'id="err-pokja_id">Pilih pokja tujuan sebelum meneruskan.' in (
        response.get_data(as_text=True))
    assert _tickets(db) == before


def test_the_answer_to_a_public_post_is_shown_to_paste_and_marked_balas_manual(
        operator, pokja, db):
    pupr = pokja_named(db, "PUPR")
    operator.post("/console/pengaduan-baru", {
        **POST, "pokja_id": str(pupr.id), "action": "teruskan"})
    ticket = _newest(db)
    answered = pokja.post(f"/console/tiket/{ticket.number}/jawab",
                          {"answer": "Jembatan diperbaiki pekan depan oleh Dinas PUPR."})
    assert answered.status_code == 302
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert 'id="manual-reply-text">Jembatan diperbaiki pekan depan oleh Dinas PUPR.<' in page
    done = operator.post(f"/console/tiket/{ticket.number}/balas-manual")
    assert done.status_code == 302
    db.expire_all()
    source = db.get(TicketSource, ticket.id)
    assert source is not None and source.manual_reply_at is not None
    kinds = list(db.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)))
    assert kinds.count("manual_reply") == 1
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert 'id="manual-reply"' not in page and 'id="manual-reply-done"' in page
    # Twice is refused (a double click writes one event).
    operator.post(f"/console/tiket/{ticket.number}/balas-manual")
    kinds = list(db.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)))
    assert kinds.count("manual_reply") == 1


def test_balas_manual_is_refused_before_the_answer_and_for_a_direct_complaint(
        operator, db, make_ticket):
    operator.post("/console/pengaduan-baru", {**POST, "action": "simpan"})
    ticket = _newest(db)
    operator.post(f"/console/tiket/{ticket.number}/balas-manual")
    db.expire_all()
    assert db.get(TicketSource, ticket.id).manual_reply_at is None  # type: ignore[union-attr]
    direct = make_ticket(Status.ANSWERED)
    operator.post(f"/console/tiket/{direct.number}/balas-manual")
    assert db.get(TicketSource, direct.id) is None


def _candidates(db, ticket: Ticket) -> dict[int, str]:
    from analytics.models import DuplicateCandidate
    db.expire_all()
    return {c.candidate_id: c.reason for c in db.scalars(
        select(DuplicateCandidate).where(DuplicateCandidate.ticket_id == ticket.id))}


def test_duplicates_are_suggested_across_sources_by_place_and_text_and_by_the_same_post(
        operator, db, make_ticket):
    phoned = make_ticket(description="Jalan poros di desa Lapeo rusak parah, banyak lubang besar")
    operator.post("/console/pengaduan-baru", {
        **POST, "location": "", "action": "simpan",
        "description": "Lubang besar di jalan poros desa Lapeo belum diperbaiki"})
    post = _newest(db)
    assert _candidates(db, post) == {phoned.id: "same_place_text"}
    # The same post recorded again (another operator, other words): the same link.
    operator.post("/console/pengaduan-baru", {
        **POST, "source_author": "", "action": "simpan",
        "description": "Warga mengeluh soal jembatan di unggahan grup."})
    again = _newest(db)
    assert _candidates(db, again).get(post.id) == "same_post"
    page = operator.get(f"/console/tiket/{again.number}").get_data(as_text=True)
    assert "tautan unggahan sama" in page


def test_the_balas_manual_list_shows_answered_posts_until_they_are_marked(
        operator, pokja, db):
    pupr = pokja_named(db, "PUPR")
    operator.post("/console/pengaduan-baru", {
        **POST, "pokja_id": str(pupr.id), "action": "teruskan"})
    ticket = _newest(db)
    listed = operator.get("/console/balas-manual").get_data(as_text=True)
    assert ticket.number not in listed  # not answered yet
    pokja.post(f"/console/tiket/{ticket.number}/jawab", {"answer": "Sudah diperbaiki."})
    listed = operator.get("/console/balas-manual").get_data(as_text=True)
    assert f">{ticket.number}</a>" in listed and "@warga.sukamaju" in listed
    operator.post(f"/console/tiket/{ticket.number}/balas-manual")
    assert ticket.number not in operator.get("/console/balas-manual").get_data(as_text=True)
    assert pokja.get("/console/balas-manual").status_code == 403
