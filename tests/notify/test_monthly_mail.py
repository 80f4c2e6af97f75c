"""The monthly report e-mailed to supervisors on the first working day, exactly once."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from accounts.models import User
from hotline.celery_app import HOURLY
from notify.models import OutboxStatus
from reporting.mailing import first_working_day, send_monthly_report
from tickets.models import Role

from .conftest import make_ticket, rows

TZ = "Asia/Jakarta"
# Mon 1 June 2026 is Pancasila Day: the first working day of June is Tue 2 June.
HOLIDAY_MORNING = datetime(2026, 6, 1, 1, 0)
FIRST_WORKING_DAY = datetime(2026, 6, 2, 1, 0)


@pytest.fixture
def supervisor_mail(db) -> str:
    supervisor = db.query(User).filter_by(role=Role.SUPERVISOR).one()
    supervisor.email = "pimpinan@pemkab.example.id"
    db.commit()
    return supervisor.email


def test_the_first_working_day_skips_weekends_and_holidays():
    assert first_working_day(datetime(2026, 6, 20).date()) == datetime(2026, 6, 2).date()
    assert first_working_day(datetime(2026, 8, 5).date()) == datetime(2026, 8, 3).date()


def test_the_report_goes_out_once_with_the_xlsx_attached(db, supervisor_mail, mailbox):
    make_ticket(db)
    assert send_monthly_report(db, tz=TZ, agency="Kab. Uji", now=HOLIDAY_MORNING) == 0
    assert send_monthly_report(db, tz=TZ, agency="Kab. Uji", now=FIRST_WORKING_DAY) == 1
    db.commit()  # the delivery task runs after the commit (eager Celery in tests)
    assert send_monthly_report(db, tz=TZ, agency="Kab. Uji", now=FIRST_WORKING_DAY) == 0
    later = datetime(2026, 6, 15, 3, 0)
    assert send_monthly_report(db, tz=TZ, agency="Kab. Uji", now=later) == 0
    (row,) = rows(db, event="monthly_report")
    assert row.idempotency_key == f"monthly_report:2026-05:email:{supervisor_mail}"
    assert row.status is OutboxStatus.SENT
    (mail,) = mailbox.to(supervisor_mail)
    assert "Laporan bulanan pengelolaan pengaduan Mei 2026" in mail["Subject"]
    (attachment,) = [p for p in mail.walk() if p.get_filename()]
    assert attachment.get_filename() == "laporan-bulanan-2026-05.xlsx"
    wb = load_workbook(io.BytesIO(attachment.get_payload(decode=True)))
    assert wb["Ringkasan"]["A1"].value == "Kab. Uji"


def test_the_report_is_scheduled_hourly_by_beat(app):
    from reporting import tasks

    schedule = tasks.monthly_report.app.conf.beat_schedule
    assert schedule["exports-monthly-report"] == {"task": "reporting.monthly_report",
                                                  "schedule": HOURLY}
    assert schedule["dashboard-refresh"]["task"] == "reporting.dashboard_refresh"


def test_the_hourly_refresh_summarises_every_marked_day(db):
    from sqlalchemy import func, select

    from reporting import tasks
    from tickets.models import DashboardDay, DashboardDirty

    make_ticket(db)
    assert db.scalar(select(func.count()).select_from(DashboardDirty)) >= 1
    assert tasks.dashboard_refresh() >= 1
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(DashboardDirty)) == 0
    assert db.scalar(select(func.sum(DashboardDay.received))) == 1


def test_a_refresh_whose_snapshot_went_stale_leaves_the_days_to_the_next_hour(db, monkeypatch):
    """Under REPEATABLE READ a refresh that waited while another stored the same days
    fails with a serialization failure (SQLSTATE 40001): the task returns 0 and keeps the
    marks for the next hour instead of failing; any other database error still raises."""
    import psycopg
    from sqlalchemy import func, select
    from sqlalchemy.exc import OperationalError

    from reporting import rollup, tasks
    from tickets.models import DashboardDirty

    make_ticket(db)

    def stale(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("DELETE FROM dashboard_dirty", {},
                               psycopg.errors.SerializationFailure("stale snapshot"))

    monkeypatch.setattr(rollup, "refresh_marked", stale)
    assert tasks.dashboard_refresh() == 0
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(DashboardDirty)) >= 1

    def gone(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("SELECT 1", {}, psycopg.errors.AdminShutdown("gone"))

    monkeypatch.setattr(rollup, "refresh_marked", gone)
    with pytest.raises(OperationalError):
        tasks.dashboard_refresh()
