"""Notification tasks: delivering outbox rows, the sweep that reconciles them, the scans.

Outbox rows are written by ``notify.compose`` inside the change's transaction, and each
new row's ``notify.deliver`` task is sent once that transaction has committed (never for
a rolled-back change). The beat sweep catches what a lost task message or a killed
worker left behind. Each step below is its own transaction: a claim is committed before
the provider is called.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from celery import shared_task
from sqlalchemy.orm import Session

from jobs import HotlineTask
from notify import outbox, providers
from tickets.clock import to_local, utcnow
from tickets.db import after_commit
from tickets.events import Dispatcher

log = logging.getLogger(__name__)


def _deliver_queued(session: Session, event: outbox.MessageQueued) -> None:
    after_commit(session, lambda: deliver.delay(event.outbox_id))


def subscribe(dispatcher: Dispatcher) -> None:
    dispatcher.subscribe(outbox.MessageQueued, _deliver_queued)


# --- tasks ---------------------------------------------------------------------------------

@shared_task(bind=True, base=HotlineTask, name="notify.deliver")
def deliver(self: HotlineTask, outbox_id: int) -> str:
    """Deliver one outbox row; a second run (or a row not due) does nothing."""
    settings = self.runtime.settings
    config = self.runtime.notify_config
    with self.transaction() as session:
        message = outbox.claim(session, outbox_id)
        if message is None:
            return "skipped"
        reason = providers.not_configured(message.channel, config)
        if reason is not None:
            outbox.mark_held(session, outbox_id, reason)
            return "held"
    try:
        receipt = providers.deliver(message, config)
    except providers.DeliveryError as exc:
        with self.transaction() as session:
            delay = outbox.mark_failed(session, outbox_id, str(exc), permanent=exc.permanent,
                                       max_attempts=settings.notify.max_attempts)
            if delay is not None:  # the next try is sent once the failure is committed
                after_commit(session, partial(deliver.apply_async, (outbox_id,),
                                              countdown=delay.total_seconds()))
        if delay is None:
            log.warning("outbox %s failed for good: %s", outbox_id, exc)
            return "failed"
        return "retry"
    with self.transaction() as session:
        outbox.mark_sent(session, outbox_id, receipt.provider_id, receipt.provider_status)
    return "sent"


UNKNOWN_OUTCOME = ("status pengiriman tidak diketahui: pengiriman terputus dan server e-mail "
                   "tidak dapat ditanya; periksa lalu kirim ulang bila perlu")


@shared_task(bind=True, base=HotlineTask, name="notify.sweep")
def sweep(self: HotlineTask) -> dict[str, int]:
    """Re-enqueue due rows whose task was lost; reconcile rows a dead worker left sending."""
    settings = self.runtime.settings
    config = self.runtime.notify_config
    counts = {"released": 0, "requeued": 0, "reconciled": 0, "resent": 0, "unknown": 0}
    with self.transaction() as session:
        configured = [c for c in outbox.CHANNELS if providers.not_configured(c, config) is None]
        counts["released"] = len(outbox.release_held(session, configured))
        # Claimed and committed first, so two sweeps never reconcile (and resend) one row.
        stale = outbox.claim_stale(
            session, timedelta(seconds=settings.notify.stale_sending_seconds))
    for message in stale:
        try:
            receipt = providers.find_accepted(message, config)
        except providers.Unknowable:
            # At most once: without a way to ask, a human decides (hotline outbox retry).
            with self.transaction() as session:
                outbox.mark_failed(session, message.id, UNKNOWN_OUTCOME, permanent=True,
                                   max_attempts=settings.notify.max_attempts)
            counts["unknown"] += 1
            continue
        except providers.DeliveryError as exc:
            log.warning("could not reconcile outbox %s yet: %s", message.id, exc)
            continue  # stays sending; the next sweep asks again
        with self.transaction() as session:
            if receipt is not None:
                outbox.mark_sent(session, message.id, receipt.provider_id,
                                 receipt.provider_status)
                counts["reconciled"] += 1
            else:
                outbox.release_for_resend(session, message.id)
                counts["resent"] += 1
    with self.transaction() as session:
        due = outbox.due_pending(session)
        for outbox_id in due:
            after_commit(session, partial(deliver.delay, outbox_id))
    counts["requeued"] = len(due)
    return counts


@shared_task(bind=True, base=HotlineTask, name="notify.sla_warnings")
def sla_warnings(self: HotlineTask) -> int:
    """Hourly: the pokja's lapsing deadlines, and overdue partner questions reminded
    (once per local day each)."""
    with self.transaction() as session:
        composer = self.runtime.composer
        return composer.warn_sla_lapsing(session) + composer.partner_reminders(session)


@shared_task(bind=True, base=HotlineTask, name="notify.digest")
def digest(self: HotlineTask) -> int:
    """Runs hourly; writes the day's digest once the local digest hour has come."""
    settings = self.runtime.settings
    if to_local(utcnow(), settings.timezone).hour < settings.notify.supervisor_digest_hour:
        return 0
    with self.transaction() as session:
        composer = self.runtime.composer
        # The supervisors' overdue list, and each agency head's drafts and overdue tickets.
        return composer.supervisor_digest(session) + composer.head_digest(session)
