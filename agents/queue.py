"""The operators' queue and the desk intake form."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from agents import forms
from agents.web import bp, cfg, db, roles, user
from tickets.errors import InvalidInput
from tickets.lifecycle import TO_VERIFY
from tickets.models import Category, Channel, Pokja, Status
from tickets.permissions import DESK_ROLES
from tickets.queue import Filters, list_tickets
from tickets.workflow import DESK_CHANNELS, file_desk_complaint


def _choices() -> dict[str, object]:
    return {
        "categories": list(db().scalars(select(Category).order_by(Category.name))),
        "pokjas": list(db().scalars(select(Pokja).where(Pokja.active.is_(True))
                                    .order_by(Pokja.name))),
    }


@bp.get("/antrean")
@roles(*DESK_ROLES)
def queue() -> tuple[str, int] | str:
    errors: dict[str, str] = {}
    try:
        f = forms.filters(request.args, TO_VERIFY)
        page = list_tickets(db(), user(), f, tz=cfg().timezone, after=request.args.get("after"))
    except InvalidInput as exc:
        errors[exc.field] = exc.message
        page = list_tickets(db(), user(), Filters(), tz=cfg().timezone)
    args = {k: v for k, v in request.args.items() if k != "after" and v}
    return render_template("agents/queue.html", page=page, errors=errors, args=args,
                           statuses=list(Status), **_choices()), 422 if errors else 200


@bp.route("/pengaduan-baru", methods=["GET", "POST"])
@roles(*DESK_ROLES)
def intake() -> Response | tuple[str, int]:
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            ticket = file_desk_complaint(db(), user(), forms.desk_complaint(request.form),
                                         tz=cfg().timezone)
        except InvalidInput as exc:
            db().rollback()
            errors[exc.field] = exc.message
        else:
            return redirect(url_for("agents.ticket", number=ticket.number))
    return render_template("agents/intake.html", errors=errors, form=request.form,
                           channels=[c for c in Channel if c in DESK_CHANNELS],
                           **_choices()), 422 if errors else 200
