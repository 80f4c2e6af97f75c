"""The task base class and what a task needs of the runtime."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta
from typing import Any, Protocol

from celery import Task
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tickets.db import is_transient

log = logging.getLogger(__name__)

DB_RETRIES = 5


class TaskRuntime(Protocol):
    """What a task reaches through its Celery app: the composition root's runtime."""

    settings: Any
    composer: Any
    conversation_policy: Any
    notify_config: Any

    def transaction(self) -> AbstractContextManager[Session]: ...


class HotlineTask(Task):
    abstract = True

    @property
    def runtime(self) -> TaskRuntime:
        return self.app.hotline_runtime  # type: ignore[attr-defined, no-any-return]

    def transaction(self):  # type: ignore[no-untyped-def]
        return self.runtime.transaction()

    def owner(self) -> str:
        """This job's name for its leases: the task id, which its retries keep."""
        return str(self.request.id or f"local-{uuid.uuid4()}")

    @contextmanager
    def heartbeat(self, name: str, renew: Callable[[Session], object],
                  every: timedelta) -> Iterator[None]:
        """Renew this job's lease (``renew``) every ``every`` while the
        block runs: a long transcription keeps its recording, and a killed worker stops
        renewing, so the sweep hands the job on within one short lease."""
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(every.total_seconds()):
                try:
                    with self.transaction() as session:
                        renew(session)
                except Exception:  # the next beat tries again; the lease is the safety
                    log.exception("could not renew the lease of %s", name)

        thread = threading.Thread(target=beat, name=f"lease-{name}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(5)

    def backoff(self, base: int = 5, cap: int = 600) -> int:
        return int(min(cap, base * 2 ** self.request.retries))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except (IntegrityError, StaleDataError) as exc:
            # Two runs of one job raced on a row: the next run finds the winner's result.
            raise self.retry(countdown=1, exc=exc, max_retries=DB_RETRIES) from exc
        except Exception as exc:
            if is_transient(exc):
                raise self.retry(countdown=self.backoff(), exc=exc,
                                 max_retries=DB_RETRIES) from exc
            raise
