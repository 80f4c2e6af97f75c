"""Scheduled work for the dashboard and the exports: the monthly report e-mailed to
supervisors (``reporting.mailing``) and the dashboard's summary kept current
(``reporting.rollup``)."""

from __future__ import annotations

from celery import shared_task

from jobs import HotlineTask
from tickets.reference import agency_name, hotline_settings

SERIALIZATION_FAILURE = "40001"  # SQLSTATE: a REPEATABLE READ snapshot went stale


@shared_task(bind=True, base=HotlineTask, name="reporting.monthly_report")
def monthly_report(self: HotlineTask) -> int:
    """Hourly; writes last month's report into the outbox once, from the first working
    day of the month on (exactly once per supervisor and month: the outbox key)."""
    from reporting.mailing import send_monthly_report

    settings = self.runtime.settings
    with self.transaction() as session:
        agency = agency_name(hotline_settings(session, settings.hotline_defaults()))
        return send_monthly_report(session, tz=settings.timezone, agency=agency)


@shared_task(bind=True, base=HotlineTask, name="reporting.dashboard_refresh")
def dashboard_refresh(self: HotlineTask) -> int:
    """Hourly; rebuilds the summary of every day whose tickets changed since."""
    from sqlalchemy.exc import OperationalError

    from reporting.rollup import refresh_marked

    try:
        with self.transaction() as session:
            return refresh_marked(session, tz=self.runtime.settings.timezone)
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != SERIALIZATION_FAILURE:
            raise
        # Another refresh stored some of these days after this one's snapshot began (it
        # waited for the lock): nothing is lost, the next hour rebuilds what is left.
        return 0
