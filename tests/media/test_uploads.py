"""Desk uploads are checked by their bytes (media.uploads) and the demo's Facebook post
is seeded once with a real screenshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from hotline.demo import seed_demo
from media import uploads
from media.attachments import NotAccepted
from media.source_demo import DEMO_LINK, screenshot_png
from tickets.sources import Source, TicketSource

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 16
PDF = b"%PDF-1.7\n"


@pytest.mark.parametrize(("data", "content_type"), [
    (JPEG, "image/jpeg"), (WEBP, "image/webp"), (PDF, "application/pdf"),
    (screenshot_png(), "image/png")])
def test_images_and_pdfs_are_known_by_their_bytes(data, content_type):
    assert uploads.check(data).format.content_type == content_type


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "berkas kosong"), (b"GIF89a" + b"\x00" * 10, "bukan gambar JPEG, PNG, WebP atau PDF"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "bukan gambar JPEG, PNG, WebP atau PDF"),
    (PDF + b"\x00" * uploads.MAX_UPLOAD_BYTES, "berkas terlalu besar (maksimal 8 MB)")])
def test_anything_else_is_refused_with_its_reason(data, reason):
    with pytest.raises(NotAccepted) as refused:
        uploads.check(data)
    assert refused.value.reason == reason


def test_a_stored_upload_is_written_whole_and_read_back_by_its_bytes(tmp_path: Path):
    kept = uploads.store(uploads.check(PDF), tmp_path, 7, year=2026, month=12)
    assert kept.path == "2026/12/src-7.pdf" and kept.size == len(PDF)
    assert uploads.stored_file(tmp_path, kept.path) == (tmp_path / kept.path,
                                                        "application/pdf")
    assert uploads.stored_file(tmp_path, "../../etc/passwd") is None
    assert not list(tmp_path.rglob("*.part"))


def test_the_demo_seeds_one_facebook_post_with_its_screenshot(app, tmp_path: Path):
    runtime = app.extensions["hotline"]
    for _ in range(2):
        with runtime.transaction() as session:
            seed_demo(session, tmp_path)
    with runtime.session() as session:
        rows = list(session.scalars(select(TicketSource).where(TicketSource.link == DEMO_LINK)))
        assert len(rows) == 1 and rows[0].kind is Source.FACEBOOK
        assert rows[0].file_type == "image/png" and rows[0].author == "@warga.lapeo"
        assert (tmp_path / rows[0].file_path).read_bytes() == screenshot_png()
        assert session.scalar(select(func.count()).select_from(TicketSource)) == 1
