"""The admin's view of the learnt models: the routing suggestion's and the early
warning's, each with its "retrain now" button; a retrained early-warning model is used
only once the admin, having compared its held-out figures, activates it."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from agents.web import bp, cfg, db, roles, user
from analytics import event_alerts
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


# --- the early-warning model ---------------------------------------------------------

@bp.get("/admin/model-deteksi-dini")
@roles(Role.ADMIN)
def admin_event_model() -> str:
    return render_template("agents/admin_event_model.html",
                           current=event_alerts.current_model(db()),
                           models=event_alerts.stored_models(db()),
                           verdicts=event_alerts.verdict_counts(db()),
                           can_retrain=cfg().request_event_retrain is not None)


@bp.post("/admin/model-deteksi-dini/latih")
@roles(Role.ADMIN)
def admin_event_model_retrain() -> Response:
    retrain = cfg().request_event_retrain
    if retrain is None:
        flash("Pelatihan ulang tidak tersedia di server ini.", "error")
    else:
        retrain(db())
        flash("Model deteksi dini dijadwalkan untuk dilatih ulang dari penilaian meja; "
              "bandingkan angkanya di sini sebelum memakainya.", "ok")
    return redirect(url_for("agents.admin_event_model"))


@bp.post("/admin/model-deteksi-dini/<int:model_id>/pakai")
@roles(Role.ADMIN)
def admin_event_model_activate(model_id: int) -> Response:
    row = event_alerts.activate(db(), user(), model_id)
    flash(f"Model {row.version} sekarang dipakai untuk deteksi dini.", "ok")
    return redirect(url_for("agents.admin_event_model"))
