"""One status change, its messages, and their delivery through loopback Twilio and SMTP."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import update

from notify import outbox, tasks
from notify.models import OutboxMessage, OutboxStatus
from tickets.clock import utcnow
from tickets.models import Status

from .conftest import CALLER, POKJA_WA, SMS_FROM, WA_FROM, failed_ids, make_ticket, rows

S = Status


def _make_due(db) -> None:
    db.execute(update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.commit()


def test_a_forward_sends_one_sms_to_the_caller_and_alerts_the_pokja(db, move, twilio, mailbox):
    ticket = make_ticket(db)
    move(ticket, S.FORWARDED)

    sms = twilio.sent(to=CALLER)
    assert len(sms) == 1
    assert sms[0]["from"] == SMS_FROM
    assert ticket.number in sms[0]["body"] and "Diteruskan ke pokja" in sms[0]["body"]
    assert "Pokja Infrastruktur" in sms[0]["body"]
    wa = twilio.sent(to=f"whatsapp:{POKJA_WA}")
    assert len(wa) == 1 and wa[0]["from"] == f"whatsapp:{WA_FROM}"
    assert ticket.number in wa[0]["body"]
    mails = mailbox.to("pupr@pemkab.example.id")
    assert len(mailbox.messages) == len(mails) == 1
    assert ticket.number in mails[0]["Subject"]
    assert "Desa Sukamaju" in mails[0].get_payload(decode=True).decode()

    sent = rows(db)
    assert [(r.channel, r.status) for r in sent] == [
        ("sms", OutboxStatus.SENT), ("email", OutboxStatus.SENT), ("whatsapp", OutboxStatus.SENT)]
    assert sent[0].provider_id == sms[0]["sid"] and sent[0].attempts == 1
    assert sent[1].provider_id == mails[0]["Message-ID"]
    assert {r.idempotency_key for r in sent} == {
        f"{ticket.id}:forwarded:sms:{CALLER}",
        f"{ticket.id}:forwarded:email:pupr@pemkab.example.id",
        f"{ticket.id}:forwarded:whatsapp:{POKJA_WA}"}


def test_answered_and_closed_each_give_the_caller_one_more_sms(db, move, twilio, mailbox):
    ticket = make_ticket(db, whatsapp=None)
    move(ticket, S.FORWARDED, S.IN_PROGRESS, S.ANSWERED, S.CLOSED, answer="Sudah diperbaiki.")
    bodies = [m["body"] for m in twilio.sent(to=CALLER)]
    assert len(bodies) == 3
    assert "Sudah dijawab" in bodies[1] and "tekan 2" in bodies[1]
    assert "Sudah diperbaiki" not in bodies[1]  # the answer is heard on the status line
    assert "Selesai" in bodies[2]
    assert len(mailbox.messages) == 1  # the pokja hears only about the forward

    # Running the tasks and the sweep again sends nothing twice.
    for row in rows(db):
        assert tasks.deliver(row.id) == "skipped"
    tasks.sweep()
    assert len(twilio.sent()) == 3 and len(mailbox.messages) == 1


def test_a_ticket_answered_again_after_the_reporter_replied_is_news_again(db, move, twilio):
    ticket = make_ticket(db, whatsapp=None)
    move(ticket, S.FORWARDED, S.ANSWERED, S.IN_PROGRESS, S.ANSWERED)
    assert len(twilio.sent(to=CALLER)) == 3
    assert rows(db, channel="sms")[-1].event == "answered#2"


def test_a_provider_down_then_back_gives_a_retried_and_delivered_message(db, move, twilio):
    twilio.fail_next(2, status=503)
    ticket = make_ticket(db, whatsapp=None)
    move(ticket, S.FORWARDED)

    (sms,) = rows(db, channel="sms")
    assert sms.status is OutboxStatus.PENDING and sms.attempts == 1
    assert "503" in (sms.last_error or "")
    first_wait = sms.next_attempt_at - utcnow()
    assert timedelta(seconds=20) < first_wait <= timedelta(seconds=30)
    assert tasks.sweep()["requeued"] == 0  # not due yet: nothing happens

    _make_due(db)
    tasks.sweep()
    (sms,) = rows(db, channel="sms")
    assert sms.status is OutboxStatus.PENDING and sms.attempts == 2
    assert sms.next_attempt_at - utcnow() > first_wait  # exponential backoff

    _make_due(db)
    tasks.sweep()
    (sms,) = rows(db, channel="sms")
    assert sms.status is OutboxStatus.SENT and sms.attempts == 3 and sms.last_error is None
    assert len(twilio.sent(to=CALLER)) == 1
    assert [r for r in twilio.requests if r[0] == "POST" and r[2]["To"] == CALLER].__len__() == 3


def test_an_invalid_number_stops_the_retries_and_shows_in_the_failed_list(db, move, twilio):
    twilio.reject("+620000", code=21211)
    ticket = make_ticket(db, phone="+620000", whatsapp=None)
    move(ticket, S.FORWARDED)

    (sms,) = rows(db, channel="sms")
    assert sms.status is OutboxStatus.FAILED and sms.attempts == 1
    assert "21211" in (sms.last_error or "")
    assert failed_ids(db) == [sms.id]
    assert [r.channel for r in outbox.messages_for_ticket(db, ticket.id)] == ["sms", "email"]
    _make_due(db)
    tasks.sweep()
    assert len([r for r in twilio.requests if r[0] == "POST"]) == 1


def test_a_provider_error_is_logged_and_stored_without_the_phone_number(db, move, twilio,
                                                                         caplog):
    number = "+6281298765432"
    twilio.reject(number, code=21211)  # "The 'To' number +62... is not a valid phone number."
    ticket = make_ticket(db, phone=number, whatsapp=None)
    with caplog.at_level(logging.WARNING, logger="notify.tasks"):
        move(ticket, S.FORWARDED)

    (record,) = [r for r in caplog.records if r.name == "notify.tasks"]
    line = record.getMessage()
    assert "The 'To' number +62812****5432 is not a valid phone number" in line
    assert number not in line and number[1:] not in line
    (sms,) = rows(db, channel="sms")
    assert "+62812****5432" in (sms.last_error or "") and number not in (sms.last_error or "")
    assert sms.recipient == number  # the row still knows whom it was for


@pytest.fixture
def few_attempts(env_overrides: dict[str, str]) -> None:
    env_overrides["NOTIFY_MAX_ATTEMPTS"] = "2"


@pytest.mark.usefixtures("few_attempts")
def test_transient_errors_until_the_attempts_run_out_leave_a_dead_message(db, move, twilio):
    twilio.fail_next(5, status=500)
    ticket = make_ticket(db, whatsapp=None)
    move(ticket, S.FORWARDED)
    _make_due(db)
    tasks.sweep()
    (sms,) = rows(db, channel="sms")
    assert sms.status is OutboxStatus.DEAD and sms.attempts == 2
    assert sms.id in failed_ids(db)
