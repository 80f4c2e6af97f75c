"""The ladder's scheduled pass (hourly, from beat) and the leadership's daily summary."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from sqlalchemy.orm import Session

from escalation import services
from jobs import HotlineTask
from tickets.clock import to_local, utcnow
from tickets.reference import agency_name, hotline_settings


def policy(settings: Any, session: Session) -> services.Policy:
    """The pass's policy from the runtime's settings (``hotline.settings.Settings``)."""
    base = settings.public_base_url
    return services.Policy(
        timezone=settings.timezone, console_url=f"{base}/console" if base else None,
        agency=agency_name(hotline_settings(session, settings.hotline_defaults())))


@shared_task(bind=True, base=HotlineTask, name="escalation.run")
def run(self: HotlineTask) -> dict[str, int]:
    """Escalate what is due; once the local digest hour has come, the day's summary to
    the leadership (written once per day and recipient, whatever the re-runs)."""
    settings = self.runtime.settings
    with self.transaction() as session:
        p = policy(settings, session)
        counts = services.run(session, p)
        if to_local(utcnow(), settings.timezone).hour >= settings.notify.supervisor_digest_hour:
            counts["summary"] = services.leadership_summary(session, p)
    return counts
