"""Tasks of the reporter's feedback: answered tickets close themselves after 10 working
days without the reporter's word."""

from __future__ import annotations

from celery import shared_task

from feedback import autoclose
from jobs import HotlineTask
from tickets import events


@shared_task(bind=True, base=HotlineTask, name="feedback.auto_close")
def auto_close(self: HotlineTask) -> dict[str, int]:
    with self.transaction() as session:
        closed = autoclose.auto_close_answered(session, tz=self.runtime.settings.timezone)
    return {"closed": closed}


def subscribe(dispatcher: events.Dispatcher) -> None:
    """Nothing of the feedback waits for a commit to be queued."""
