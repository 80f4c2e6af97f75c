"""``/console/admin/pelapor`` (the admin registers and deactivates trusted reporters)
and ``/console/pelapor`` (their reports by area and by reporter)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from agents import forms
from agents.web import bp, confirm_first, db, roles, shows_refusal, user
from analytics import places
from reporters import services
from reporters.models import CHANGE_LABELS, ROLE_LABELS
from tickets.contacts import readable_phone
from tickets.errors import InvalidInput
from tickets.models import Role


@bp.route("/admin/pelapor", methods=["GET", "POST"])
@roles(Role.ADMIN)
@shows_refusal(lambda exc: _reporters_page({exc.field: exc.message}), InvalidInput)
def admin_reporters() -> Response | tuple[str, int] | str:
    if request.method == "GET":
        return _reporters_page()
    f = request.form
    reporter_id = forms.optional_int(f, "reporter_id") or 0
    typed = services.ReporterForm(
        phone=f.get("phone", ""), name=f.get("name", ""), role=f.get("role", ""),
        desa_id=forms.optional_int(f, "desa_id", "Desa/kelurahan tidak dikenal; pilih dari "
                                   "daftar wilayah."),
        rt=f.get("rt", ""), rw=f.get("rw", ""))
    if f.get("action") == "nonaktif":
        if page := confirm_first(
                "Nonaktifkan pelapor terpercaya ini? Laporannya tidak lagi dikenali sebagai "
                "laporan pelapor terpercaya; riwayatnya tetap ada.", "Ya, nonaktifkan",
                url_for("agents.admin_reporters")):
            return page
        reporter = services.deactivate(db(), user(), reporter_id)
        flash(f"{reporter.name} dinonaktifkan; riwayat laporannya tetap ada.", "ok")
    elif f.get("action") == "ubah":
        reporter = services.edit(db(), user(), reporter_id, typed)
        flash(f"Data {reporter.label} disimpan.", "ok")
    else:
        reporter = services.register(db(), user(), typed)
        flash(f"{reporter.label} terdaftar sebagai pelapor terpercaya.", "ok")
    return redirect(url_for("agents.admin_reporters"))


def _reporters_page(errors: dict[str, str] | None = None) -> tuple[str, int]:
    """The registry; after a refused form (rolled back by the request's boundary) with
    what was typed and the reason beside its field. The desa is chosen from the gazetteer,
    grouped by kecamatan as on the dashboard."""
    return render_template(
        "agents/admin_reporters.html", errors=errors or {}, form=request.form,
        desa_tree=places.places_tree(db()),
        reporters=services.list_reporters(db(), user()), roles=ROLE_LABELS,
        history=services.history(db(), user()), change_labels=CHANGE_LABELS,
        target=request.form.get("reporter_id"), phone=readable_phone), 422 if errors else 200


@bp.get("/pelapor")
@roles(Role.SUPERVISOR, Role.ADMIN)
def reporter_report() -> tuple[str, int]:
    return render_template(
        "agents/reporters.html", areas=services.by_area(db(), user()),
        reporters=services.list_reporters(db(), user()),
        recent=services.recent_reports(db(), user()), phone=readable_phone), 200
