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


def _checked(fn):  # type: ignore[no-untyped-def]
    try:
        return fn()
    except InvalidInput as exc:
        raise click.BadParameter(exc.message,
                                 param_hint=f"--{exc.field.replace('_', '-')}") from None


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
@click.option("--from", "date_from", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "date_to", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_lapor(date_from, date_to, out: Path) -> None:  # type: ignore[no-untyped-def]
    """SP4N-LAPOR! export of the tickets received in a date range (.csv or .xlsx by --out)."""
    from reporting import lapor

    start: date = date_from.date()
    end: date = date_to.date()
    if end < start:
        raise click.BadParameter("must not be before --from", param_hint="--to")
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
