"""Delivery-status callbacks, the embedded default, the CLI and the reconciler."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import update

from hotline.cli import cli
from hotline.runtime import notify_config
from notify import outbox, providers, tasks
from notify.models import OutboxMessage, OutboxStatus
from tickets.clock import utcnow
from tickets.models import Status

from .conftest import CALLER, failed_ids, make_ticket, rows

S = Status


def test_a_delivery_callback_updates_the_message(db, move, twilio, signed_post):
    move(make_ticket(db, whatsapp=None), S.FORWARDED)
    sms = rows(db, channel="sms")[0]
    params = {"MessageSid": sms.provider_id, "MessageStatus": "delivered",
              "AccountSid": "AC" + "0" * 32}
    assert signed_post(f"/notify/status?m={sms.id}", params).status_code == 204
    sms = rows(db, channel="sms")[0]
    assert sms.provider_status == "delivered" and sms.status is OutboxStatus.SENT


def test_an_undelivered_callback_marks_the_message_failed_for_the_console(
        db, move, twilio, signed_post):
    move(make_ticket(db, whatsapp=None), S.FORWARDED)
    sms = rows(db, channel="sms")[0]
    params = {"MessageSid": sms.provider_id, "MessageStatus": "undelivered",
              "ErrorCode": "30003"}
    assert signed_post(f"/notify/status?m={sms.id}", params).status_code == 204
    sms = rows(db, channel="sms")[0]
    assert sms.status is OutboxStatus.FAILED and "30003" in (sms.last_error or "")
    assert sms.id in failed_ids(db)


def test_a_forged_callback_is_refused_and_changes_nothing(db, move, twilio, signed_post):
    move(make_ticket(db, whatsapp=None), S.FORWARDED)
    sms = rows(db, channel="sms")[0]
    params = {"MessageSid": sms.provider_id, "MessageStatus": "failed"}
    assert signed_post(f"/notify/status?m={sms.id}", params,
                       token="not-the-token").status_code == 403
    assert rows(db, channel="sms")[0].provider_status == "queued"


def test_callbacks_for_unknown_or_foreign_messages_are_acknowledged_and_ignored(
        db, move, twilio, signed_post):
    move(make_ticket(db, whatsapp=None), S.FORWARDED)
    sms = rows(db, channel="sms")[0]
    assert signed_post("/notify/status?m=999999", {"MessageSid": "SMx",
                       "MessageStatus": "failed"}).status_code == 204
    assert signed_post(f"/notify/status?m={sms.id}", {"MessageSid": "SMother",
                       "MessageStatus": "failed"}).status_code == 204
    assert rows(db, channel="sms")[0].status is OutboxStatus.SENT


class TestTheEmbeddedDefault:
    @pytest.fixture
    def env_overrides(self) -> dict[str, str]:
        return {}  # no Twilio number, no SMTP: nothing may leave the machine

    def test_messages_are_held_with_a_reason_and_nothing_is_sent(self, db, move, twilio,
                                                                 mailbox, app):
        move(make_ticket(db), S.FORWARDED)
        held = rows(db)
        assert [(r.channel, r.status) for r in held] == [
            ("sms", OutboxStatus.HELD), ("email", OutboxStatus.HELD),
            ("whatsapp", OutboxStatus.HELD)]
        assert held[0].last_error == "Twilio belum dikonfigurasi"
        assert held[1].last_error == "SMTP belum dikonfigurasi"
        assert held[0].attempts == 0
        assert twilio.requests == [] and mailbox.messages == []

        result = app.test_cli_runner().invoke(cli, ["outbox", "list", "--json"])
        assert result.exit_code == 0, result.output
        listed = json.loads(result.output)
        assert {r["status"] for r in listed} == {"held"}
        # UTC said as such, as every other timestamp the CLI writes (tickets.clock.iso_utc).
        assert all(r["created_at"].endswith("Z") and r["next_attempt_at"].endswith("Z")
                   and r["sent_at"] is None for r in listed)
        assert "Twilio belum dikonfigurasi" in app.test_cli_runner().invoke(
            cli, ["outbox", "list"]).output

    def test_the_cli_refuses_to_retry_a_message_that_is_not_stuck(self, db, move, app):
        move(make_ticket(db), S.FORWARDED)
        sms = rows(db, channel="sms")[0]
        runner = app.test_cli_runner()
        assert runner.invoke(cli, ["outbox", "retry", str(sms.id)]).exit_code == 0
        assert rows(db, channel="sms")[0].status is OutboxStatus.HELD  # still unconfigured
        db.execute(update(OutboxMessage).values(status=OutboxStatus.SENT))
        db.commit()
        result = runner.invoke(cli, ["outbox", "retry", str(sms.id)])
        assert result.exit_code != 0 and "tidak dapat diulang" in result.output


def test_held_messages_go_out_once_the_channel_is_configured(db, move, twilio):
    ticket = make_ticket(db, whatsapp=None)
    db.add(OutboxMessage(channel="sms", recipient=CALLER, body="Tes", event="manual",
                         idempotency_key="manual", ticket_id=ticket.id,
                         status=OutboxStatus.HELD, last_error="Twilio belum dikonfigurasi",
                         attempts=0, next_attempt_at=utcnow(), created_at=utcnow()))
    db.commit()
    assert tasks.sweep()["released"] == 1
    assert [m["body"] for m in twilio.sent(to=CALLER)] == ["Tes"]


RECIPIENTS = {"sms": CALLER, "whatsapp": "+6281199990000", "email": "pupr@pemkab.example.id"}


def _crash_mid_send(db, channel: str, *, provider_had_it: bool) -> OutboxMessage:
    """A fresh row, claimed and (maybe) handed to the provider; then the worker 'dies'."""
    now = utcnow()
    row = OutboxMessage(channel=channel, recipient=RECIPIENTS[channel], subject="Uji",
                        body=f"Uji rekonsiliasi {channel}", event="manual",
                        idempotency_key=f"crash:{channel}", status=OutboxStatus.SENDING,
                        attempts=1, next_attempt_at=now, claimed_at=now, created_at=now)
    db.add(row)
    db.commit()  # as outbox.claim leaves it (the enqueued task finds it taken)
    if provider_had_it:
        message = outbox.Outgoing(row.id, channel, row.recipient, row.subject, row.body, 1,
                                  now, now)
        settings = tasks.deliver.app.hotline_runtime.settings
        providers.deliver(message, notify_config(settings))
    # Older than NOTIFY_STALE_SENDING_SECONDS: its worker is surely gone.
    db.execute(update(OutboxMessage).where(OutboxMessage.id == row.id)
               .values(claimed_at=utcnow() - timedelta(minutes=15)))
    db.commit()
    return row


@pytest.mark.parametrize("channel", ["sms", "whatsapp"])
def test_the_reconciler_finds_a_message_the_provider_accepted(db, move, twilio, channel):
    move(make_ticket(db), S.FORWARDED)
    before = len(twilio.accepted)
    row = _crash_mid_send(db, channel, provider_had_it=True)
    assert tasks.sweep()["reconciled"] == 1
    after = rows(db, id=row.id)[0]
    assert after.status is OutboxStatus.SENT
    assert after.provider_id == twilio.accepted[-1]["sid"]
    assert len(twilio.accepted) == before + 1  # the crash attempt only; nothing resent


def test_the_reconciler_resends_what_the_provider_never_had(db, move, twilio):
    move(make_ticket(db, whatsapp=None), S.FORWARDED)
    row = _crash_mid_send(db, "sms", provider_had_it=False)
    assert tasks.sweep()["resent"] == 1
    assert rows(db, id=row.id)[0].status is OutboxStatus.SENT
    assert [m["body"] for m in twilio.sent(to=CALLER)].count("Uji rekonsiliasi sms") == 1


def test_an_interrupted_email_is_never_resent_blindly(db, move, mailbox):
    move(make_ticket(db, whatsapp=None), S.FORWARDED)
    row = _crash_mid_send(db, "email", provider_had_it=True)
    assert tasks.sweep()["unknown"] == 1
    after = rows(db, id=row.id)[0]
    assert after.status is OutboxStatus.FAILED and "tidak diketahui" in (after.last_error or "")
    assert len(mailbox.messages) == 2  # the first delivery and the crashed one; no third


def test_a_sending_row_that_is_not_stale_is_left_to_its_worker(db, move, twilio):
    move(make_ticket(db, whatsapp=None), S.FORWARDED)
    row = rows(db, channel="sms")[0]
    db.execute(update(OutboxMessage).where(OutboxMessage.id == row.id)
               .values(status=OutboxStatus.SENDING, claimed_at=utcnow()))
    db.commit()
    counts = tasks.sweep()
    assert counts["reconciled"] == counts["resent"] == 0
    assert rows(db, id=row.id)[0].status is OutboxStatus.SENDING


def test_retrying_a_failed_message_after_fixing_the_cause_delivers_it(db, move, twilio):
    twilio.reject(CALLER, code=21614)
    move(make_ticket(db, whatsapp=None), S.FORWARDED)
    (sms,) = rows(db, channel="sms")
    assert sms.status is OutboxStatus.FAILED
    twilio.rejected.clear()
    # What the console's "kirim ulang" button does: retry, deliver once committed.
    outbox.retry(db, sms.id)
    db.commit()
    (sms,) = rows(db, channel="sms")
    assert sms.status is OutboxStatus.SENT and sms.attempts == 2
    assert len(twilio.sent(to=CALLER)) == 1


def test_a_message_is_due_even_if_the_clock_stepped_back_a_little(db, move, twilio):
    move(make_ticket(db, whatsapp=None), S.FORWARDED)
    sms = rows(db, channel="sms")[0]
    # As if the VM's wall clock stepped back 300 ms between writing and claiming.
    db.execute(update(OutboxMessage).where(OutboxMessage.id == sms.id).values(
        status=OutboxStatus.PENDING, next_attempt_at=utcnow() + timedelta(milliseconds=300)))
    db.commit()
    assert outbox.claim(db, sms.id) is not None
    db.execute(update(OutboxMessage).where(OutboxMessage.id == sms.id).values(
        status=OutboxStatus.PENDING, next_attempt_at=utcnow() + outbox.backoff(1)))
    db.commit()
    assert outbox.claim(db, sms.id) is None  # a real backoff is still respected
