"""The Celery app: Redis in production, a folder on disk in the embedded default."""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from pathlib import Path

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_process_init
from sqlalchemy.orm import configure_mappers

from hotline.runtime import Runtime

log = logging.getLogger(__name__)

# Rescues work nobody holds within about a lease plus this (media/work.py).
SWEEP_EVERY = timedelta(seconds=30)
OUTBOX_SWEEP_EVERY = timedelta(minutes=1)
HOURLY = timedelta(hours=1)
SUGGEST_SWEEP_EVERY = timedelta(minutes=1)
# The routing model learns from the day's verified tickets at night (UTC; 01:30 WIB).
SUGGEST_RETRAIN_AT = crontab(hour=18, minute=30)


def make_celery(runtime: Runtime, **overrides: object) -> Celery:
    settings = runtime.settings
    settings.queue_dir.mkdir(parents=True, exist_ok=True)
    app = Celery("suarawarga")
    if settings.redis_url:
        broker: dict[str, object] = {"broker_url": settings.redis_url}
    else:
        queue = settings.queue_dir
        for sub in ("in", "processed", "control"):
            (queue / sub).mkdir(parents=True, exist_ok=True)
        _create_exchange_tables(queue / "control")
        broker = {
            "broker_url": "filesystem://",
            "broker_transport_options": {
                "data_folder_in": str(queue / "in"),
                "data_folder_out": str(queue / "in"),
                "processed_folder": str(queue / "processed"),
                # Exchange bindings; kombu's default is ./control in the working directory.
                "control_folder": str(queue / "control"),
                "store_processed": False,
            },
            # Remote control would make each worker bind into one more shared file.
            "worker_enable_remote_control": False,
        }
    app.conf.update(
        **broker,
        task_ignore_result=True,
        task_default_queue="default",
        task_routes={"speech.*": {"queue": "speech"}},
        # A task is acknowledged only once done, so a killed worker's job runs again.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        # With the broker down, a request that queues work after its commit must not hang:
        # two quick tries, then the sweep takes over (tickets.db.after_commit logs it).
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0,
                                   "interval_step": 0.2, "interval_max": 0.5},
        broker_connection_timeout=2,
        timezone="UTC",
        beat_schedule={
            "media-sweep": {"task": "media.sweep", "schedule": SWEEP_EVERY},
            "messaging-sweep": {"task": "messaging.sweep", "schedule": SWEEP_EVERY},
            "feedback-auto-close": {"task": "feedback.auto_close", "schedule": HOURLY},
            "notify-sweep": {"task": "notify.sweep", "schedule": OUTBOX_SWEEP_EVERY},
            "notify-sla-warnings": {"task": "notify.sla_warnings", "schedule": HOURLY},
            "notify-digest": {"task": "notify.digest", "schedule": HOURLY},
            "exports-monthly-report": {"task": "reporting.monthly_report", "schedule": HOURLY},
            "dashboard-refresh": {"task": "reporting.dashboard_refresh", "schedule": HOURLY},
            "suggest-sweep": {"task": "suggest.sweep", "schedule": SUGGEST_SWEEP_EVERY},
            "suggest-retrain": {"task": "suggest.retrain", "schedule": SUGGEST_RETRAIN_AT},
            "escalation-run": {"task": "escalation.run", "schedule": HOURLY},
        },
        beat_schedule_filename=str(settings.queue_dir / "beat-schedule"),
    )
    app.conf.update(overrides)
    # The tasks reach the runtime through their app (HotlineTask.runtime): built once by
    # the entry point, never rebuilt from the environment inside a worker.
    app.hotline_runtime = runtime  # type: ignore[attr-defined]
    app.set_default()
    from analytics import tasks as analytics_tasks
    from escalation import tasks as escalation_tasks  # noqa: F401  (registers the task)
    from feedback import tasks as feedback_tasks
    from media import tasks as media_tasks
    from messaging import tasks as messaging_tasks
    from notify import tasks as notify_tasks
    from reporting import tasks as reporting_tasks  # noqa: F401  (registers the tasks)

    # Work for the queues, sent once the publishing transaction has committed.
    for domain in (media_tasks, messaging_tasks, notify_tasks, analytics_tasks,
                   feedback_tasks):
        domain.subscribe(runtime.dispatcher)
    _load_model_at_start(app, runtime)
    return app


def _load_model_at_start(app: Celery, runtime: Runtime) -> None:
    """Each worker process gets ready when it starts, not on its first job: the ORM's
    mappers are configured, and a process of a worker that consumes the speech queue loads
    its model. The first callers after a (re)start no longer wait for these on top of
    their transcription (docs/benchmarks.md, "Speech pipeline")."""
    from media.tasks import speech_engine

    def load(**_: object) -> None:
        configure_mappers()
        consumes = app.amqp.queues.consume_from or {}
        if runtime.settings.speech.engine == "none" or "speech" not in consumes:
            return
        try:
            speech_engine(runtime)
        except Exception:  # the first task raises it again, with its retry policy
            log.exception("the speech model could not be loaded at the worker's start")

    worker_process_init.connect(load, weak=False)


EXCHANGES = ("default", "speech", "celery.pidbox", "reply.celery.pidbox", "celeryev")


def _create_exchange_tables(control: Path) -> None:
    """Give kombu's filesystem transport its exchange tables before any worker starts.

    kombu creates a missing table by opening it empty and then writing it: a second
    worker starting at the same moment can read the empty file and die
    (JSONDecodeError), which is what `hotline run` did on a fresh checkout. A table
    that exists is read and written under a file lock, so create them, atomically,
    once.
    """
    for name in EXCHANGES:
        table = control / f"{name}.exchange"
        if table.exists():
            continue
        tmp = control / f".{name}.{os.getpid()}.tmp"
        tmp.write_text("[]")
        try:
            os.link(tmp, table)  # appears complete, and never replaces a table in use
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
