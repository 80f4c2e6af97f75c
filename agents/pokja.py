"""The agency's pages: the pokja's inbox (tickets forwarded to the user's pokja, with the
SLA countdown and the overdue partner questions) and its head's approval queue."""

from __future__ import annotations

from flask import render_template, request

from agents.web import bp, cfg, db, roles, user
from desk import services as assignment
from partners import services as partners
from tickets import followup
from tickets.clock import utcnow
from tickets.lifecycle import AT_POKJA
from tickets.models import Role, Status
from tickets.queue import pokja_inbox

VIEWS = {"terbuka": tuple(AT_POKJA), "dijawab": (Status.ANSWERED,), "selesai": (Status.CLOSED,)}


@bp.get("/kotak-masuk")
@roles(Role.POKJA, Role.HEAD, Role.SUPERVISOR)
def inbox() -> str:
    view = request.args.get("lihat", "terbuka")
    statuses = VIEWS.get(view, tuple(AT_POKJA))
    mine = (assignment.condition(user(), "saya")
            if request.args.get("penanganan") == "saya" else None)
    page = pokja_inbox(db(), user(), tz=cfg().timezone, after=request.args.get("after"),
                       statuses=statuses, where=(mine,) if mine is not None else ())
    late_partners = (partners.overdue(db(), utcnow(), user().pokja_id)
                     if user().pokja_id is not None else [])
    return render_template("agents/inbox.html", page=page, view=view,
                           late_partners=late_partners, mine=mine is not None,
                           holders=assignment.holders(db(), page.tickets))


@bp.get("/persetujuan")
@roles(Role.HEAD)
def approvals() -> str:
    """The head's queue: drafts awaiting approval, oldest first, with the follow-up clock
    (which keeps running while a draft waits)."""
    return render_template("agents/approvals.html", drafts=followup.approval_queue(db(), user()))
