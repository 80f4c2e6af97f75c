"""SLA warnings to the pokja and the supervisors' overdue digest (Celery beat tasks)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.models import User
from notify import tasks
from tickets.clock import local_date_text, utcnow
from tickets.models import Role, Status

from .conftest import POKJA_WA, make_ticket, rows

S = Status


def _forwarded(db, move, due_in: timedelta, **kw):
    ticket = make_ticket(db, **kw)
    move(ticket, S.FORWARDED)
    ticket.followup_due_at = utcnow() + due_in
    db.commit()
    return ticket


def test_the_pokja_is_warned_once_when_the_deadline_is_a_working_day_away(
        composer, db, move, twilio, mailbox):
    ticket = _forwarded(db, move, timedelta(hours=12))
    later = _forwarded(db, move, timedelta(days=10), phone=None)
    mailbox.messages.clear()
    twilio.accepted.clear()

    assert tasks.sla_warnings() == 2  # one e-mail, one WhatsApp
    assert composer.warn_sla_lapsing(db) == 0  # only once per ticket and kind
    (mail,) = mailbox.messages
    assert ticket.number in mail["Subject"] and "segera berakhir" in mail["Subject"]
    assert later.number not in mail["Subject"]
    (wa,) = twilio.sent(to=f"whatsapp:{POKJA_WA}")
    assert ticket.number in wa["body"] and "batas waktu" in wa["body"]
    assert {r.event for r in rows(db) if r.event.startswith("sla_warning")} == {
        f"sla_warning@{local_date_text(ticket.followup_due_at, 'Asia/Jakarta')}"}


def test_no_warning_for_answered_or_overdue_tickets(
        composer, db, move, twilio, mailbox):
    answered = _forwarded(db, move, timedelta(hours=12), whatsapp=None)
    move(answered, S.ANSWERED)
    _forwarded(db, move, -timedelta(hours=1), whatsapp=None)
    assert composer.warn_sla_lapsing(db) == 0


@pytest.fixture
def digest_now(env_overrides: dict[str, str]) -> None:
    env_overrides["SUPERVISOR_DIGEST_HOUR"] = "0"


@pytest.mark.usefixtures("digest_now")
def test_supervisors_get_one_daily_digest_of_overdue_tickets(
        composer, db, move, mailbox):
    supervisor = db.query(User).filter_by(role=Role.SUPERVISOR).one()
    supervisor.email = "pimpinan@pemkab.example.id"
    db.commit()
    overdue = _forwarded(db, move, -timedelta(days=3), whatsapp=None)
    on_time = _forwarded(db, move, timedelta(days=3), whatsapp=None, phone=None)
    mailbox.messages.clear()

    assert tasks.digest() == 2  # the supervisor's, and the late agency head's (kepala_pupr)
    assert tasks.digest() == 0  # once per day
    (mail,) = mailbox.to("pimpinan@pemkab.example.id")
    text = mail.get_payload(decode=True).decode()
    assert "1 pengaduan melewati batas waktu" in mail["Subject"]
    assert overdue.number in text and on_time.number not in text
    assert "Pokja Infrastruktur" in text and "terlambat" in text
    assert "Budi" not in text  # the digest names tickets, never reporters


def test_no_digest_without_overdue_tickets_or_supervisor_addresses(
        composer, db, move, mailbox):
    _forwarded(db, move, -timedelta(days=3), whatsapp=None)
    assert composer.supervisor_digest(db) == 0  # the supervisor has no e-mail
