"""``/console/pimpinan`` (overdue by agency), dispositions on a ticket, and
``/console/admin/eskalasi`` (the thresholds per agency, with their history)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from agents import forms
from agents.web import bp, cfg, db, roles, shows_refusal, user
from escalation import services
from escalation.models import LEVEL_LABELS
from tickets import reference
from tickets.errors import InvalidInput
from tickets.models import Role
from tickets.reference import agency_name, hotline_settings


def policy() -> services.Policy:
    return services.Policy(
        timezone=cfg().timezone,
        console_url=url_for("agents.home", _external=True).rstrip("/"),
        agency=agency_name(hotline_settings(db(), cfg().hotline_defaults)))


@bp.get("/pimpinan")
@roles(Role.LEADERSHIP, Role.SUPERVISOR, Role.HEAD)
def leadership() -> tuple[str, int]:
    rows = services.overview(db(), user(), cfg().timezone)
    return render_template("agents/leadership.html", rows=rows,
                           total=sum(r.overdue for r in rows)), 200


@bp.post("/tiket/<number>/disposisi")
@roles(Role.LEADERSHIP)
@shows_refusal(lambda exc, number: _refused_to(exc, "agents.ticket", number=number),
               InvalidInput)
def dispose(number: str) -> Response:
    services.add_disposition(db(), user(), number, request.form.get("disposition", ""),
                             policy())
    flash("Disposisi disimpan dan dikirim ke pokja.", "ok")
    return redirect(url_for("agents.ticket", number=number))


def _refused_to(exc: InvalidInput, endpoint: str, **values: str) -> Response:
    flash(exc.message, "error")
    return redirect(url_for(endpoint, **values))


@bp.route("/admin/eskalasi", methods=["GET", "POST"])
@roles(Role.ADMIN)
@shows_refusal(lambda exc: _escalation_page({exc.field: exc.message}), InvalidInput)
def admin_escalation() -> Response | tuple[str, int]:
    if request.method == "GET":
        return _escalation_page()
    f = request.form
    services.save_rule(db(), user(), forms.optional_int(f, "pokja_id"),
                       f.get("head_after_days"), f.get("leadership_after_days"))
    flash("Batas eskalasi disimpan.", "ok")
    return redirect(url_for("agents.admin_escalation"))


def _escalation_page(errors: dict[str, str] | None = None) -> tuple[str, int]:
    f = request.form
    rules = services.current_rules(db())
    pokjas = reference.list_pokja(db(), user())
    current = [(None, "Semua SKPD (bawaan)", services.thresholds_for(rules, None),
                None in rules)]
    current += [(p.id, p.name, services.thresholds_for(rules, p.id), p.id in rules)
                for p in pokjas]
    return render_template(
        "agents/admin_escalation.html", errors=errors or {}, form=f, current=current,
        target=f.get("pokja_id", ""), history=services.rule_history(db(), user()),
        levels=LEVEL_LABELS), 422 if errors else 200
