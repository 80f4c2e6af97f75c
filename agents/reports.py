"""The supervisor's report page."""

from __future__ import annotations

from flask import render_template

from agents.web import bp, db, roles, user
from tickets.models import Role
from tickets.reports import summary


@bp.get("/laporan")
@roles(Role.SUPERVISOR)
def report() -> str:
    return render_template("agents/reports.html", report=summary(db(), user()))
