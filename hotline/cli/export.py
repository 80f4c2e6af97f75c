"""``hotline export``: the monthly report, the queue and the LAPOR! export as files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from hotline.cli.common import app_runtime
from tickets.errors import InvalidInput
from tickets.models import Role


@dataclass(frozen=True)
class CommandLine:
    """Who runs an export from the shell: the installation's operator, who sees what a
    supervisor sees (the domain checks roles as it would for a console user)."""

    id: int = 0
    full_name: str = "baris perintah"
    role: Role = Role.SUPERVISOR
    pokja_id: int | None = None
    active: bool = True



def _agency(session) -> str:  # type: ignore[no-untyped-def]
    from tickets.reference import agency_name, hotline_settings

    return agency_name(hotline_settings(session, app_runtime().settings.hotline_defaults()))


def _write(out: Path, data: bytes, what: str) -> None:
    out.write_bytes(data)
    click.echo(f"{what}: {out} ({len(data)} bytes)")


# The options whose name is not the form field's.
_OPTIONS = {"date_from": "--from", "date_to": "--to"}


def _checked(fn):  # type: ignore[no-untyped-def]
    try:
        return fn()
    except InvalidInput as exc:
        hint = _OPTIONS.get(exc.field, f"--{exc.field.replace('_', '-')}")
        raise click.BadParameter(exc.message, param_hint=hint) from None


def _date_range(date_from: str, date_to: str) -> tuple[date, date]:
    """--from and --to, read as the console reads its date fields."""
    from agents import forms

    start = _checked(lambda: forms.parse_date(date_from, "date_from"))
    end = _checked(lambda: forms.parse_date(date_to, "date_to"))
    if start is None or end is None:
        raise click.BadParameter("a date is required (YYYY-MM-DD)",
                                 param_hint="--from" if start is None else "--to")
    _checked(lambda: forms.check_range(start, end))
    return start, end


@click.group("export", cls=AppGroup)
def export() -> None:
    """Reports and exports as files (XLSX, CSV)."""


@export.command("monthly")
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_monthly(month: str, out: Path) -> None:
    """Laporan bulanan pengelolaan pengaduan as XLSX."""
    from reporting import monthly

    if out.suffix.lower() != ".xlsx":
        raise click.BadParameter("must end in .xlsx", param_hint="--out")
    first = _checked(lambda: monthly.parse_month(month))
    runtime = app_runtime()
    with runtime.transaction() as session:
        report = monthly.build_monthly(session, CommandLine(), first,
                                       tz=runtime.settings.timezone, agency=_agency(session))
        _write(out, monthly.monthly_xlsx(report), f"{monthly.TITLE} {report.label}")


@export.command("tickets")
@click.option("--status", default="semua", show_default=True,
              help="a status value, or 'semua' for all")
@click.option("--category-id", default="")
@click.option("--pokja-id", default="")
@click.option("--from", "date_from", default="", help="YYYY-MM-DD (received from)")
@click.option("--to", "date_to", default="", help="YYYY-MM-DD (received up to)")
@click.option("--q", default="", help="text, ticket number or LAPOR! tracking id")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_tickets(status: str, category_id: str, pokja_id: str, date_from: str,
                   date_to: str, q: str, out: Path) -> None:
    """The queue with the console's filters, as CSV (UTF-8 with BOM)."""
    from agents.forms import filters
    from reporting.tickets_csv import tickets_csv
    from tickets.lifecycle import TO_VERIFY

    if out.suffix.lower() != ".csv":
        raise click.BadParameter("must end in .csv", param_hint="--out")
    f = _checked(lambda: filters({"status": status, "category_id": category_id,
                                  "pokja_id": pokja_id, "date_from": date_from,
                                  "date_to": date_to, "q": q}, TO_VERIFY))
    runtime = app_runtime()
    with runtime.transaction() as session:
        _write(out, tickets_csv(session, CommandLine(), f, tz=runtime.settings.timezone),
               "tickets")


@export.command("lapor")
@click.option("--from", "date_from", required=True, help="YYYY-MM-DD")
@click.option("--to", "date_to", required=True, help="YYYY-MM-DD")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_lapor(date_from: str, date_to: str, out: Path) -> None:
    """SP4N-LAPOR! export of the tickets received in a date range (.csv or .xlsx by --out)."""
    from reporting import lapor

    start, end = _date_range(date_from, date_to)
    runtime = app_runtime()
    tz = runtime.settings.timezone
    with runtime.transaction() as session:
        if out.suffix.lower() == ".csv":
            data = lapor.lapor_csv(session, CommandLine(), start, end, tz=tz)
        elif out.suffix.lower() == ".xlsx":
            data = lapor.lapor_xlsx(session, CommandLine(), start, end, tz=tz,
                                    agency=_agency(session))
        else:
            raise click.BadParameter("must end in .csv or .xlsx", param_hint="--out")
        _write(out, data, "LAPOR!")
