"""Tasks of complaints by message: the sweep that files conversations left idle."""

from __future__ import annotations

from celery import shared_task

from jobs import HotlineTask
from messaging import filing
from tickets import events


@shared_task(bind=True, base=HotlineTask, name="messaging.sweep")
def sweep(self: HotlineTask) -> dict[str, int]:
    """File the conversations idle past the policy's limit that hold a complaint (the
    sender is told the number); let those without content expire."""
    with self.transaction() as session:
        filed = filing.expire_idle(session, self.runtime.conversation_policy)
    return {"idle_filed": filed}


def subscribe(dispatcher: events.Dispatcher) -> None:
    """Nothing of a conversation waits for a commit to be queued."""
