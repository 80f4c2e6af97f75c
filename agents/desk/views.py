"""The desk's parts of the ticket page, and the presence heartbeat it sends."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import flash, jsonify, request, session, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from agents.queue import QUEUE_ARGS, queue_filters
from agents.web import bp, cfg, db, user
from desk import callers, conflicts, handback, presence
from messaging.history import messages_from
from tickets import clock
from tickets.errors import InvalidInput
from tickets.lifecycle import AT_DESK
from tickets.models import Ticket
from tickets.permissions import DESK_ROLES, viewable_ticket
from tickets.queue import encode_cursor, list_tickets

# The text fields of the ticket page's forms whose stored value a conflict compares
# with what was typed: form field -> (label, the ticket's attribute).
STORED_TEXT = {
    "description": ("Uraian pengaduan", "description"),
    "answer": ("Jawaban untuk pelapor", "answer"),
    "public_summary": ("Ringkasan publik", "public_summary"),
    "title": ("Judul LAPOR!", "title"),
    "lapor_tracking_id": ("Nomor pelacakan LAPOR!", "lapor_tracking_id"),
}


def ticket_context(ticket: Ticket, conflict_form: Any = None) -> dict[str, Any]:
    """What the desk adds to the ticket page: the caller's history, the hand-back, who
    else has it open, and on a conflict how the typed text differs from what is stored."""
    agent = user()
    history = callers.history(db(), agent, ticket)
    sent = (messages_from(db(), history.phone)
            if history is not None and agent.role in DESK_ROLES else [])
    mark = (handback.marks(db(), [ticket]).get(ticket.id)
            if agent.role in DESK_ROLES and ticket.status in AT_DESK else None)
    differences = []
    if conflict_form is not None:
        stored = {name: (label, getattr(ticket, attr))
                  for name, (label, attr) in STORED_TEXT.items()}
        differences = conflicts.differences(stored, conflict_form)
    return {
        "caller": history, "caller_messages": sent, "handed_back": mark,
        "present": presence.others(db(), agent, ticket.id, clock.utcnow()),
        "heartbeat_seconds": int(presence.HEARTBEAT.total_seconds()),
        "differences": differences,
    }


@bp.post("/tiket/<number>/hadir")
def heartbeat(number: str) -> Response:
    """The open ticket page's beat: stamp the user's presence (or remove it when the page
    is left) and answer who else has the ticket open."""
    ticket = viewable_ticket(db(), user(), number)
    now = clock.utcnow()
    if request.form.get("pergi"):
        presence.leave(db(), user(), ticket.id)
    else:
        presence.touch(db(), user(), ticket.id, now)
    return jsonify(others=presence.others(db(), user(), ticket.id, now))


def next_ticket_url(number: str) -> str:
    """The ticket after ``number`` in the queue as last filtered (its order: oldest
    first), or the queue itself when none is left."""
    ticket = viewable_ticket(db(), user(), number)
    args: MultiDict[str, str] = MultiDict(session.get(QUEUE_ARGS) or {})
    try:
        f = queue_filters(args)
    except InvalidInput:
        args, f = MultiDict(), queue_filters(MultiDict())
    # The walk goes oldest first whatever column the queue was sorted by: its cursor is
    # the one the unsorted queue pages with.
    f = replace(f, sort=None)
    tz = cfg().timezone
    after = list_tickets(db(), user(), f, tz=tz, after=encode_cursor(ticket), limit=1)
    # Past the end of the queue, start again from its beginning.
    found = after.tickets or [t for t in list_tickets(db(), user(), f, tz=tz, limit=2).tickets
                              if t.id != ticket.id][:1]
    if found:
        return url_for("agents.ticket", number=found[0].number)
    flash("Tidak ada tiket berikutnya di antrean dengan filter ini.", "info")
    return url_for("agents.queue", **args.to_dict())
