"""The pokja's inbox: tickets forwarded to the user's pokja, with the SLA countdown."""

from __future__ import annotations

from flask import render_template, request

from agents.web import bp, cfg, db, roles, user
from tickets.models import Role, Status
from tickets.queue import OPEN_FOLLOWUP, pokja_inbox

VIEWS = {"terbuka": OPEN_FOLLOWUP, "dijawab": (Status.ANSWERED,), "selesai": (Status.CLOSED,)}


@bp.get("/kotak-masuk")
@roles(Role.POKJA, Role.SUPERVISOR)
def inbox() -> str:
    view = request.args.get("lihat", "terbuka")
    statuses = VIEWS.get(view, OPEN_FOLLOWUP)
    page = pokja_inbox(db(), user(), tz=cfg().timezone, after=request.args.get("after"),
                       statuses=statuses)
    return render_template("agents/inbox.html", page=page, view=view)
