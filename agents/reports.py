"""The supervisor's report page."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template, request

from agents import forms
from agents.web import bp, cfg, db, roles, user
from analytics.suggestions import acceptance
from feedback.satisfaction import escalated_tickets, satisfaction_by_pokja
from reporting.reports import summary
from tickets.clock import to_local, utcnow
from tickets.errors import InvalidInput
from tickets.models import Role

# The satisfaction table covers this many days up to today unless a range is chosen.
DEFAULT_DAYS = 30


@bp.get("/laporan")
@roles(Role.SUPERVISOR)
def report() -> tuple[str, int]:
    tz = cfg().timezone
    today = to_local(utcnow(), tz).date()
    errors: dict[str, str] = {}
    try:
        f = forms.filters(request.args, ())
        start = f.date_from or today - timedelta(days=DEFAULT_DAYS - 1)
        end = f.date_to or today
        if end < start:
            raise InvalidInput("date_to", "Tanggal akhir tidak boleh sebelum tanggal awal.")
    except InvalidInput as exc:
        errors[exc.field] = exc.message
        start, end = today - timedelta(days=DEFAULT_DAYS - 1), today
    return render_template(
        "agents/reports.html", report=summary(db(), user()), errors=errors,
        date_from=start, date_to=end,
        satisfaction=satisfaction_by_pokja(db(), start, end, tz),
        escalated=escalated_tickets(db()),
        suggestions=acceptance(db())), 422 if errors else 200
