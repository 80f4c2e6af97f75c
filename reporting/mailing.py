"""The monthly report by e-mail to supervisors, on the first working day of the month.

Runs from Celery beat (``reporting/tasks.py``) every hour; from the first working
day of a month on, it writes last month's report once per supervisor into the outbox,
with the XLSX attached. The idempotency key (month and address) makes it exactly once
however often beat runs, and a day missed by a stopped scheduler is caught up later in
the month. Without SMTP the rows wait in the outbox as *ditahan*, as every e-mail does.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.models import User
from notify import outbox
from notify.models import OutboxMessage
from reporting.monthly import TITLE, build_monthly, filename, monthly_xlsx
from reporting.sheets import XLSX_TYPE
from tickets.clock import to_local, utcnow
from tickets.models import Role
from tickets.sla import is_working_day

EVENT = "monthly_report"


def first_working_day(day: date) -> date:
    current = day.replace(day=1)
    while not is_working_day(current):
        current += timedelta(days=1)
    return current


class _Scheduler:
    """The report's reader: the whole installation, as a supervisor sees it."""

    id = 0
    full_name = "sistem"
    role = Role.SUPERVISOR
    pokja_id = None
    active = True


def send_monthly_report(session: Session, *, tz: str, agency: str,
                        now: datetime | None = None) -> int:
    """Write last month's report for every active supervisor with an e-mail address,
    once; the number of rows written (0 before the first working day, or when done)."""
    now = now or utcnow()
    today = to_local(now, tz).date()
    if today < first_working_day(today):
        return 0
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    supervisors = [u for u in session.scalars(select(User).where(
        User.role == Role.SUPERVISOR, User.active.is_(True), User.email.is_not(None)))
        if u.email]
    keys = {u.email: f"{EVENT}:{month:%Y-%m}:email:{u.email}" for u in supervisors}
    done = set(session.scalars(select(OutboxMessage.idempotency_key).where(
        OutboxMessage.idempotency_key.in_(list(keys.values())))))
    todo = [u for u in supervisors if keys[u.email] not in done]
    if not todo:
        return 0
    report = build_monthly(session, _Scheduler(), month, tz=tz, agency=agency, now=now)
    data = monthly_xlsx(report)
    subject = f"{agency}: {TITLE} {report.label}"
    written = 0
    for user in todo:
        assert user.email is not None
        body = (f"Yth. {user.full_name},\n\n"
                f"Terlampir {TITLE.lower()} bulan {report.label} dari {agency}: "
                f"{report.figures.total} pengaduan diterima, "
                f"{report.figures.verify_overdue_now} lewat batas verifikasi dan "
                f"{report.figures.followup_overdue_now} lewat batas tindak lanjut saat ini "
                f"({len(report.overdue)} tiket dalam daftar lewat batas).\n\n"
                "Pesan ini dikirim otomatis oleh Suara Warga.")
        outbox_id = outbox.add(session, channel="email", recipient=user.email,
                               subject=subject, body=body, event=EVENT, key=keys[user.email])
        if outbox_id is not None:
            outbox.add_attachment(session, outbox_id, filename(report), XLSX_TYPE, data)
            written += 1
    session.flush()
    return written
