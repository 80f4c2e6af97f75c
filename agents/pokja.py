"""The pokja's inbox: tickets forwarded to the user's pokja, with the SLA countdown."""

from __future__ import annotations

from flask import render_template, request

from agents.web import bp, cfg, db, roles, user
from tickets.lifecycle import AT_POKJA
from tickets.models import Role, Status
from tickets.queue import pokja_inbox

VIEWS = {"terbuka": tuple(AT_POKJA), "dijawab": (Status.ANSWERED,), "selesai": (Status.CLOSED,)}


@bp.get("/kotak-masuk")
@roles(Role.POKJA, Role.SUPERVISOR)
def inbox() -> str:
    view = request.args.get("lihat", "terbuka")
    statuses = VIEWS.get(view, tuple(AT_POKJA))
    page = pokja_inbox(db(), user(), tz=cfg().timezone, after=request.args.get("after"),
                       statuses=statuses)
    return render_template("agents/inbox.html", page=page, view=view)
