"""The demo's complaint found on social media (``hotline seed-demo``, ``make run``): a
Facebook post about a broken bridge, with its link, handle, date and a screenshot, filed
by the demo operator through the desk intake's own rules and stored like an upload."""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from media import uploads
from tickets import sources
from tickets.clock import utcnow
from tickets.lifecycle import Principal
from tickets.sources import Source, SourceDetails, TicketSource
from tickets.workflow import DeskComplaint, file_desk_complaint

DEMO_LINK = "https://www.facebook.com/groups/wargapolman/posts/100200300"


def screenshot_png(width: int = 240, height: int = 160) -> bytes:
    """A small grey "screenshot" drawn here, so the demo ships no binary file."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + bytes([230 if (y // 20) % 2 else 200]) * width
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8,
                                                             0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def seed(session: Session, operator: Principal, media_dir: Path, *, tz: str) -> bool:
    """File the demo post once; False when it is already there."""
    if session.scalar(select(TicketSource.ticket_id).where(TicketSource.link == DEMO_LINK)):
        return False
    ticket = file_desk_complaint(session, operator, DeskComplaint(
        channel="", location="Desa Lapeo, Kecamatan Campalagian",
        description="Unggahan warga: jembatan kayu di Dusun II Desa Lapeo patah, anak "
                    "sekolah harus memutar lewat sungai.",
        source=SourceDetails(Source.FACEBOOK, DEMO_LINK, "@warga.lapeo",
                             (utcnow() - timedelta(days=1)).date())), tz=tz)
    kept = uploads.store(uploads.check(screenshot_png()), media_dir, ticket.id,
                         year=ticket.created_at.year, month=ticket.created_at.month)
    sources.keep_file(session, ticket.id, path=kept.path, content_type=kept.content_type,
                      size=kept.size, sha256=kept.sha256)
    return True
