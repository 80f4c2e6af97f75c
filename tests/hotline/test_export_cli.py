"""``hotline export``: the same files from the command line."""

from __future__ import annotations

import csv
from datetime import timedelta

from openpyxl import load_workbook

from hotline.cli import cli
from tickets.clock import utcnow
from tickets.models import Status


def test_the_cli_writes_the_monthly_report_the_queue_and_the_lapor_export(
        app, make_ticket, tmp_path):
    make_ticket(Status.FORWARDED)
    make_ticket(Status.ANSWERED, anonim=True, rahasia=True, description="rahasia sekali")
    runner = app.test_cli_runner()
    local = utcnow() + timedelta(hours=7)
    month, today = f"{local:%Y-%m}", f"{local:%Y-%m-%d}"
    first = f"{local:%Y-%m}-01"

    result = runner.invoke(cli, ["export", "monthly", "--month", month,
                                 "--out", str(tmp_path / "m.xlsx")])
    assert result.exit_code == 0, result.output
    summary = load_workbook(tmp_path / "m.xlsx")["Ringkasan"]
    values = {r[0]: r[1] for r in summary.iter_rows(min_row=6, values_only=True) if r[0]}
    assert values["Pengaduan diterima"] == 2

    result = runner.invoke(cli, ["export", "tickets", "--status", "forwarded",
                                 "--out", str(tmp_path / "t.csv")])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "t.csv", encoding="utf-8-sig", newline="") as fh:
        assert [r["Status"] for r in csv.DictReader(fh)] == ["Diteruskan ke pokja"]

    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"l.{suffix}"
        result = runner.invoke(cli, ["export", "lapor", "--from", first, "--to", today,
                                     "--out", str(out)])
        assert result.exit_code == 0, result.output
    with open(tmp_path / "l.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2 and "rahasia sekali" not in str(rows)

    bad = runner.invoke(cli, ["export", "monthly", "--month", "11-2026",
                              "--out", str(tmp_path / "x.xlsx")])
    assert bad.exit_code != 0 and "TTTT-BB" in bad.output
    for command, wrong in (["monthly", "--month", month], "m.txt"), (["tickets"], "t.xlsx"):
        bad = runner.invoke(cli, ["export", *command, "--out", str(tmp_path / wrong)])
        assert bad.exit_code != 0 and "must end in" in bad.output
        assert not (tmp_path / wrong).exists()


def test_without_smtp_the_monthly_report_waits_in_the_outbox_held(app, db):
    from datetime import datetime

    from accounts.models import User
    from notify.models import OutboxMessage, OutboxStatus
    from reporting.mailing import send_monthly_report
    from tickets.models import Role

    db.query(User).filter_by(role=Role.SUPERVISOR).one().email = "pimpinan@pemkab.example.id"
    db.commit()
    assert send_monthly_report(db, tz="Asia/Jakarta", agency="Kab. Uji",
                               now=datetime(2026, 6, 2, 1, 0)) == 1
    db.commit()
    db.expire_all()
    (row,) = db.query(OutboxMessage).filter_by(event="monthly_report").all()
    assert row.status is OutboxStatus.HELD


def test_the_lapor_export_reads_its_dates_as_the_console_does(app, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "l.csv"
    for dates, option, message in (
            (["--from", "2026-02-30", "--to", "2026-03-01"], "--from", "TTTT-BB-HH"),
            (["--from", "2026-03-01", "--to", "01-03-2026"], "--to", "TTTT-BB-HH"),
            (["--from", "2026-03-02", "--to", "2026-03-01"], "--to", "sebelum tanggal awal"),
            (["--from", "", "--to", "2026-03-01"], "--from", "required")):
        bad = runner.invoke(cli, ["export", "lapor", *dates, "--out", str(out)])
        assert bad.exit_code == 2 and message in bad.output and option in bad.output
        assert not out.exists()
