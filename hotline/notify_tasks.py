"""Wiring of notifications: settings -> policy and adapters, enqueue after commit, tasks.

Outbox rows are written by the domain inside its transaction; a session event
collects their ids at flush and sends ``notify.deliver`` tasks only once the
transaction has committed (never for a rolled-back change). The beat sweep
catches what a lost task message or a killed worker left behind.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from celery import shared_task
from sqlalchemy import event
from sqlalchemy.orm import Session

import notify
from hotline.runtime import Runtime, current_runtime
from hotline.settings import DEV_ACCOUNT_SID, Settings
from hotline.tasks import HotlineTask
from tickets import notifications, outbox
from tickets.db import utcnow
from tickets.models import OutboxMessage

log = logging.getLogger(__name__)

_NEW_IDS = outbox.ENQUEUE_AFTER_COMMIT


def notify_config(settings: Settings) -> notify.NotifyConfig:
    n = settings.notify
    return notify.NotifyConfig(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token,
        api_base=settings.twilio_api_base,
        # The development credentials must never reach the real Twilio.
        twilio_ready=settings.twilio_api_base is not None
        or settings.twilio_account_sid != DEV_ACCOUNT_SID,
        sms_from=n.twilio_sms_from,
        whatsapp_from=n.twilio_whatsapp_from,
        smtp_host=n.smtp_host, smtp_port=n.smtp_port, smtp_user=n.smtp_user,
        smtp_password=n.smtp_password, smtp_starttls=n.smtp_starttls, mail_from=n.mail_from,
        public_base_url=settings.public_base_url,
        tts_language=settings.tts_language, tts_voice=settings.tts_voice,
    )


def notify_policy(settings: Settings) -> notifications.NotifyPolicy:
    return notifications.NotifyPolicy(
        voice_updates=settings.notify.voice_updates,
        sla_warning_days=settings.notify.sla_warning_days,
        timezone=settings.timezone,
        console_url=f"{settings.public_base_url}/console" if settings.public_base_url else None,
        hotline_defaults=settings.hotline_defaults(),
    )


def install(runtime: Runtime) -> None:
    """Give every session of this process the policy and the enqueue-after-commit hook."""
    maker = runtime.sessionmaker
    maker.configure(info={notifications.POLICY_KEY: notify_policy(runtime.settings)})
    if event.contains(maker, "after_flush", _collect):
        return
    event.listen(maker, "after_flush", _collect)
    event.listen(maker, "after_commit", _enqueue)
    event.listen(maker, "after_rollback", _discard)


def _collect(session: Session, _flush_context: object) -> None:
    ids = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
    if ids:
        session.info.setdefault(_NEW_IDS, []).extend(ids)


def _enqueue(session: Session) -> None:
    for outbox_id in session.info.pop(_NEW_IDS, []):
        try:
            deliver.delay(outbox_id)
        except Exception:  # the broker is down: the sweep delivers it later
            log.exception("could not enqueue outbox message %s", outbox_id)


def _discard(session: Session) -> None:
    session.info.pop(_NEW_IDS, None)


# --- tasks ---------------------------------------------------------------------------------

@shared_task(bind=True, base=HotlineTask, name="notify.deliver")
def deliver(self: HotlineTask, outbox_id: int) -> str:
    """Deliver one outbox row; a second run (or a row not due) does nothing."""
    settings = current_runtime().settings
    config = notify_config(settings)
    with self.session() as session:
        message = outbox.claim(session, outbox_id)
        if message is None:
            return "skipped"
        reason = notify.not_configured(message.channel, config)
        if reason is not None:
            outbox.mark_held(session, outbox_id, reason)
            return "held"
    try:
        receipt = notify.deliver(message, config)
    except notify.DeliveryError as exc:
        with self.session() as session:
            delay = outbox.mark_failed(session, outbox_id, str(exc), permanent=exc.permanent,
                                       max_attempts=settings.notify.max_attempts)
        if delay is None:
            log.warning("outbox %s failed for good: %s", outbox_id, exc)
            return "failed"
        deliver.apply_async((outbox_id,), countdown=delay.total_seconds())
        return "retry"
    with self.session() as session:
        outbox.mark_sent(session, outbox_id, receipt.provider_id, receipt.provider_status)
    return "sent"


UNKNOWN_OUTCOME = ("status pengiriman tidak diketahui: pengiriman terputus dan server e-mail "
                   "tidak dapat ditanya; periksa lalu kirim ulang bila perlu")


@shared_task(bind=True, base=HotlineTask, name="notify.sweep")
def sweep(self: HotlineTask) -> dict[str, int]:
    """Re-enqueue due rows whose task was lost; reconcile rows a dead worker left sending."""
    settings = current_runtime().settings
    config = notify_config(settings)
    counts = {"released": 0, "requeued": 0, "reconciled": 0, "resent": 0, "unknown": 0}
    with self.session() as session:
        configured = [c for c in outbox.CHANNELS if notify.not_configured(c, config) is None]
        counts["released"] = len(outbox.release_held(session, configured))
        stale = outbox.claim_stale(
            session, timedelta(seconds=settings.notify.stale_sending_seconds))
        for message in stale:
            try:
                receipt = notify.find_accepted(message, config)
            except notify.Unknowable:
                # At most once: without a way to ask, a human decides (hotline outbox retry).
                outbox.mark_failed(session, message.id, UNKNOWN_OUTCOME, permanent=True,
                                   max_attempts=settings.notify.max_attempts)
                counts["unknown"] += 1
                continue
            except notify.DeliveryError as exc:
                log.warning("could not reconcile outbox %s yet: %s", message.id, exc)
                continue  # stays sending; the next sweep asks again
            if receipt is not None:
                outbox.mark_sent(session, message.id, receipt.provider_id,
                                 receipt.provider_status)
                counts["reconciled"] += 1
            else:
                outbox.release_for_resend(session, message.id)
                counts["resent"] += 1
        due = outbox.due_pending(session)
    counts["requeued"] = len(due)
    for outbox_id in due:
        deliver.delay(outbox_id)
    return counts


@shared_task(bind=True, base=HotlineTask, name="notify.sla_warnings")
def sla_warnings(self: HotlineTask) -> int:
    with self.session() as session:
        return notifications.warn_sla_lapsing(session)


@shared_task(bind=True, base=HotlineTask, name="notify.digest")
def digest(self: HotlineTask) -> int:
    """Runs hourly; writes the day's digest once the local digest hour has come."""
    settings = current_runtime().settings
    local = utcnow().replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(settings.timezone))
    if local.hour < settings.notify.supervisor_digest_hour:
        return 0
    with self.session() as session:
        return notifications.supervisor_digest(session)
