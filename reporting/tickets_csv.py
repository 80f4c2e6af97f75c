"""The queue as CSV, with the queue's own filters and permissions (``tickets.queue``).

Every page of the listing is walked by its keyset cursor, so the export is exactly what
the console shows page after page; a pokja gets its own inbox, without the reporter of
an anonim ticket (``tickets.permissions.can_see_reporter``). A file travels beyond the
console whoever downloads it: an anonim ticket's title, location and description are
masked for every role (``tickets.privacy``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy.orm import Session

from reporting.sheets import Cell, csv_bytes
from tickets.clock import to_local
from tickets.lifecycle import Principal
from tickets.models import (
    CHANNEL_LABELS,
    CLASSIFICATION_LABELS,
    PRIORITY_LABELS,
    STATUS_LABELS,
    Classification,
    Status,
    Ticket,
)
from tickets.permissions import can_see_reporter
from tickets.privacy import masking, outward, outward_description
from tickets.queue import Filters, list_tickets
from tickets.sla import zone_name

HEADER = ("Nomor tiket", "Diterima", "Status", "Saluran", "Kategori", "Pokja", "Prioritas",
          "Batas verifikasi", "Batas tindak lanjut", "Anonim", "Rahasia", "Nama pelapor",
          "Telepon pelapor", "Lokasi", "Klasifikasi", "Judul", "ID pelacakan LAPOR!",
          "Uraian")
PAGE = 500
TIMES = ("Diterima", "Batas verifikasi", "Batas tindak lanjut")


def header(tz: str) -> tuple[str, ...]:
    """The columns, the times named by the agency's zone: ``Diterima (WITA)``."""
    zone = zone_name(tz)
    return tuple(f"{name} ({zone})" if name in TIMES else name for name in HEADER)


def _when(value: object, tz: str) -> str:
    return to_local(value, tz).strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else ""


def _row(user: Principal, t: Ticket, tz: str) -> tuple[Cell, ...]:
    shows = can_see_reporter(user, t)
    m = masking(t) if t.anonim else None
    return (t.number, _when(t.created_at, tz), STATUS_LABELS[Status(t.status)],
            CHANNEL_LABELS[t.channel], t.category.name if t.category else "",
            t.pokja.name if t.pokja else "", PRIORITY_LABELS.get(t.priority, ""),
            _when(t.verify_due_at, tz), _when(t.followup_due_at, tz),
            "Ya" if t.anonim else "Tidak", "Ya" if t.rahasia else "Tidak",
            (t.reporter_name or "") if shows else "", (t.reporter_phone or "") if shows else "",
            outward(t, t.location, m) or "",
            CLASSIFICATION_LABELS[Classification(t.classification)],
            outward(t, t.title, m) or "", t.lapor_tracking_id or "",
            outward_description(t, m) or "")


def rows(session: Session, user: Principal, f: Filters, *, tz: str) -> Iterator[tuple[Cell, ...]]:
    after: str | None = None
    while True:
        page = list_tickets(session, user, f, tz=tz, after=after, limit=PAGE)
        for ticket in page.tickets:
            yield _row(user, ticket, tz)
        if page.next_cursor is None:
            return
        after = page.next_cursor


def tickets_csv(session: Session, user: Principal, f: Filters, *, tz: str) -> bytes:
    return csv_bytes(header(tz), rows(session, user, f, tz=tz))
