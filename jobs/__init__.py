"""The base of every Celery task: the runtime, one transaction per step, one retry policy.

Each domain's ``tasks.py`` defines its tasks on :class:`HotlineTask`, as warehouse's
domains use ``WarehouseTask``: the runtime comes from the Celery app the entry point
built (never rebuilt from the environment), a step runs in one transaction, and a
transient database error (a dropped connection, a deadlock, a lost race on a row's
version) becomes a Celery retry with backoff instead of a lost task.
"""

from jobs.base import DB_RETRIES, HotlineTask, TaskRuntime

__all__ = ["DB_RETRIES", "HotlineTask", "TaskRuntime"]
