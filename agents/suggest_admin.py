"""The admin's view of the routing-suggestion model, and the "retrain now" button."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from agents.web import bp, cfg, db, roles
from analytics.suggestions import acceptance, latest_model
from tickets.models import Role


@bp.get("/admin/saran")
@roles(Role.ADMIN)
def admin_suggest() -> str:
    return render_template("agents/admin_suggest.html", model=latest_model(db()),
                           suggestions=acceptance(db()),
                           can_retrain=cfg().request_retrain is not None)


@bp.post("/admin/saran/latih")
@roles(Role.ADMIN)
def admin_suggest_retrain() -> Response:
    retrain = cfg().request_retrain
    if retrain is None:
        flash("Pelatihan ulang tidak tersedia di server ini.", "error")
    else:
        retrain(db())
        flash("Model saran dijadwalkan untuk dilatih ulang dari tiket terverifikasi; "
              "versi baru dipakai begitu selesai.", "ok")
    return redirect(url_for("agents.admin_suggest"))
