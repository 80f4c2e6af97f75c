"""Routing-suggestion tasks: suggest when a ticket's text is ready, retrain nightly and on
demand, and the sweep that catches tickets typed at the desk or whose task was lost.

Wired by ``make_celery``: ``subscribe`` puts the listeners on the domain's events. A
ticket reaching "awaiting verification" (its transcript or its failure stored, or a
postponed ticket resumed) gets its suggestion computed on the default queue after the
commit; forwarding it records the operator's final choice in the same transaction.
"""

from __future__ import annotations

from celery import shared_task
from sqlalchemy.orm import Session

from analytics import event_alerts, suggestions
from jobs import HotlineTask
from tickets import events
from tickets.db import after_commit
from tickets.lifecycle import AT_DESK
from tickets.models import Status


def _status_changed(session: Session, event: events.StatusChanged) -> None:
    if event.to_status is Status.AWAITING_VERIFICATION:
        ticket_id = event.ticket.id
        after_commit(session, lambda: suggest_ticket.delay(ticket_id))
    elif event.to_status is Status.FORWARDED and event.from_status in AT_DESK:
        suggestions.record_decision(session, event.ticket)


def subscribe(dispatcher: events.Dispatcher) -> None:
    dispatcher.subscribe(events.StatusChanged, _status_changed)


@shared_task(bind=True, base=HotlineTask, name="suggest.ticket")
def suggest_ticket(self: HotlineTask, ticket_id: int) -> str | None:
    """Compute and store one ticket's suggestion; a second run changes nothing."""
    with self.transaction() as session:
        row = suggestions.suggest_ticket_id(session, ticket_id)
        return row.model_version if row is not None else None


@shared_task(bind=True, base=HotlineTask, name="suggest.sweep")
def sweep(self: HotlineTask) -> int:
    """Suggest for desk tickets that have text but no suggestion (desk intake, lost task)."""
    with self.transaction() as session:
        ids = suggestions.pending_ticket_ids(session)
    for ticket_id in ids:
        with self.transaction() as session:
            suggestions.suggest_ticket_id(session, ticket_id)
    return len(ids)


@shared_task(bind=True, base=HotlineTask, name="suggest.retrain")
def retrain(self: HotlineTask) -> str:
    """Learn from the verified tickets (nightly by beat, and on an admin's request)."""
    with self.transaction() as session:
        return suggestions.retrain(session).version


@shared_task(bind=True, base=HotlineTask, name="events.retrain")
def retrain_events(self: HotlineTask) -> str:
    """Retrain the early-warning model on the desk's verdicts (an admin's request); the
    new model waits, with its held-out figures, for the admin to activate it."""
    with self.transaction() as session:
        return event_alerts.retrain(session).version
