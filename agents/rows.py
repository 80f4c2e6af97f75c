"""What a ticket row in the queue and the pokja inbox shows: an excerpt of the complaint
and the recording's length (template globals)."""

from __future__ import annotations

from agents.web import bp, user
from tickets.models import Ticket
from tickets.permissions import DESK_ROLES, can_see_reporter
from tickets.privacy import outward_description

EXCERPT_CHARS = 120


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
