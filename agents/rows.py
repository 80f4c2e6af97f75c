"""What a ticket row in the queue and the pokja inbox shows (an excerpt of the complaint,
the recording's length) and what a line of the ticket's history is called (template
globals)."""

from __future__ import annotations

from typing import Any

from agents.web import bp, user
from tickets.models import STATUS_LABELS, Channel, Status, Ticket
from tickets.permissions import DESK_ROLES, can_see_reporter
from tickets.privacy import outward_description

EXCERPT_CHARS = 120
# The history's name of every kind of audit event but the status changes ("transition",
# "created"), which are named by their status. One table: tests/agents/test_screens.py
# finds every kind the code records and asks for its label here.
HISTORY_LABELS = {
    "note": "Catatan", "edit": "Perubahan", "message": "Pesan",
    "feedback": "Tanggapan pelapor", "eskalasi": "Eskalasi", "disposisi": "Disposisi pimpinan",
    "pelapor_terpercaya": "Pelapor terpercaya", "approval": "Persetujuan pimpinan",
    "partner": "Lembaga mitra", "manual_reply": "Balasan manual", "penugasan": "Penanganan",
    "system": "Sistem",
}
# A ticket of these channels was written, not recorded: its first status reads so.
WRITTEN = frozenset({Channel.WHATSAPP, Channel.SMS, Channel.SMS_WA})


@bp.app_template_global()
def status_label(status: Status, ticket: Ticket) -> str:
    """The status's name, except that a message is received ("Pesan diterima"), not
    recorded ("Terekam")."""
    if status == Status.RECORDED and ticket.channel in WRITTEN:
        return "Pesan diterima"
    return STATUS_LABELS[status]


@bp.app_template_global()
def history_label(event: Any, ticket: Ticket) -> str:
    """What a history line is called: its new status, or its kind's label."""
    if event.kind in ("transition", "created") and event.to_status is not None:
        return status_label(event.to_status, ticket)
    return HISTORY_LABELS.get(event.kind, "Sistem")


@bp.app_template_global()
def row_excerpt(ticket: Ticket) -> str:
    """The verified description (masked for a pokja when anonim), else the machine
    transcript where the reader may read it (a pokja never reads an anonim ticket's)."""
    desk = user().role in DESK_ROLES
    text = ((ticket.description if desk else outward_description(ticket)) or "").strip()
    if not text and ticket.transcript is not None and can_see_reporter(user(), ticket):
        text = ticket.transcript.text.strip()
    text = " ".join(text.split())
    if len(text) <= EXCERPT_CHARS:
        return text
    return text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"


@bp.app_template_global()
def row_duration(ticket: Ticket) -> str:
    """The recordings' length as m:ss, or "" for a ticket without a measured recording."""
    seconds = sum(r.duration_seconds or 0.0 for r in ticket.recordings)
    if seconds <= 0:
        return ""
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"
