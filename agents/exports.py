"""Downloads: the monthly report (page and XLSX), the queue as CSV, the LAPOR! export."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from flask import Response, render_template, request

from agents import forms, insights
from agents.web import bp, cfg, db, roles, user
from reporting import lapor, monthly, sheets, tickets_csv
from reporting.dashboard import VIEWERS
from tickets.clock import to_local, utcnow
from tickets.errors import InvalidInput
from tickets.lifecycle import TO_VERIFY
from tickets.models import Role
from tickets.permissions import DESK_ROLES
from tickets.reference import agency_name, hotline_settings

MAX_EXPORT_DAYS = 366


def _agency() -> str:
    return agency_name(hotline_settings(db(), cfg().hotline_defaults))


def _download(data: bytes, name: str, content_type: str) -> Response:
    # content_type, not mimetype: Flask appends "; charset=utf-8" to a text/* mimetype,
    # and CSV_TYPE already names its charset (the header carried it twice).
    response = Response(data, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _error(message: str) -> tuple[str, int]:
    return render_template("agents/error.html", status=422, message=message), 422


@bp.get("/laporan-bulanan")
@roles(*VIEWERS)
def monthly_report_page() -> Response | tuple[str, int]:
    tz = cfg().timezone
    raw = request.args.get("month") or f"{to_local(utcnow(), tz):%Y-%m}"
    try:
        first = monthly.parse_month(raw)
    except InvalidInput as exc:
        return _error(exc.message)
    report = monthly.build_monthly(db(), user(), first, tz=tz, agency=_agency())
    if request.args.get("format") == "xlsx":
        return _download(monthly.monthly_xlsx(report), monthly.filename(report),
                         sheets.XLSX_TYPE)
    return render_template("agents/monthly.html", r=report, title=monthly.TITLE), 200


@bp.get("/antrean.csv")
@roles(*DESK_ROLES, Role.POKJA)
def queue_csv() -> Response | tuple[str, int]:
    try:
        # The queue's own filters, flags and kecamatan included (agents/queue.py).
        f = replace(forms.filters(request.args, TO_VERIFY),
                    where=insights.queue_conditions(request.args))
    except InvalidInput as exc:
        return _error(exc.message)
    stamp = f"{to_local(utcnow(), cfg().timezone):%Y%m%d-%H%M}"
    return _download(tickets_csv.tickets_csv(db(), user(), f, tz=cfg().timezone),
                     f"antrean-{stamp}.csv", sheets.CSV_TYPE)


def _range() -> tuple[date, date]:
    today = to_local(utcnow(), cfg().timezone).date()
    start = forms.parse_date(request.args.get("date_from"), "date_from") or today.replace(day=1)
    end = forms.parse_date(request.args.get("date_to"), "date_to") or today
    forms.check_range(start, end)
    if end - start > timedelta(days=MAX_EXPORT_DAYS):
        raise InvalidInput("date_from", "Rentang ekspor paling panjang satu tahun.")
    return start, end


@bp.get("/ekspor-lapor")
@roles(*lapor.EXPORTERS)
def lapor_export() -> Response | tuple[str, int]:
    try:
        start, end = _range()
    except InvalidInput as exc:
        return _error(exc.message)
    tz = cfg().timezone
    name = f"lapor-{start:%Y%m%d}-{end:%Y%m%d}"
    if request.args.get("format") == "csv":
        return _download(lapor.lapor_csv(db(), user(), start, end, tz=tz), f"{name}.csv",
                         sheets.CSV_TYPE)
    return _download(lapor.lapor_xlsx(db(), user(), start, end, tz=tz, agency=_agency()),
                     f"{name}.xlsx", sheets.XLSX_TYPE)
