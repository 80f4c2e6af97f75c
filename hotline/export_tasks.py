"""Scheduled exports: the monthly report e-mailed to supervisors (``exports.mailing``)."""

from __future__ import annotations

from celery import shared_task

from hotline.tasks import HotlineTask
from tickets.reference import hotline_settings


@shared_task(bind=True, base=HotlineTask, name="exports.monthly_report")
def monthly_report(self: HotlineTask) -> int:
    """Hourly; writes last month's report into the outbox once, from the first working
    day of the month on (exactly once per supervisor and month: the outbox key)."""
    from exports.mailing import send_monthly_report

    settings = self.runtime.settings
    with self.transaction() as session:
        agency = hotline_settings(session, settings.hotline_defaults()).get("agency_name")
        return send_monthly_report(session, tz=settings.timezone,
                                   agency=agency or "Layanan Pengaduan Masyarakat")
