"""Where a job's time goes: one log line per media job with the seconds of each stage.

A task opens a :class:`Stopwatch` for its run (:func:`job`); code it calls marks its
stages with :func:`stage`, which does nothing outside a job. Stages are exclusive: a
stage inside another is not counted twice (``store`` excludes the ``audio_check`` it
contains). The line goes to the ``jobs.timing`` logger at INFO, so a worker started with
``--loglevel INFO`` prints it and ``benchmarks/pipeline.py`` reads it back::

    stages recording 7 transcribe queue_wait=0.412 db=0.021 conversion=0.180 model=3.9

Standard library only, and no behaviour of its own: a job runs the same with or
without it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

log = logging.getLogger(__name__)

PREFIX = "stages"


class Stopwatch:
    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self._children: list[float] = []

    def add(self, name: str, seconds: float) -> None:
        self.stages[name] = self.stages.get(name, 0.0) + max(0.0, seconds)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self._children.append(0.0)
        started = time.perf_counter()
        try:
            yield
        finally:
            spent = time.perf_counter() - started
            inner = self._children.pop()
            self.add(name, spent - inner)
            if self._children:
                self._children[-1] += spent

    def line(self, what: str, item_id: int, step: str) -> str:
        parts = " ".join(f"{k}={v:.3f}" for k, v in self.stages.items())
        return f"{PREFIX} {what} {item_id} {step} {parts}"


_current: ContextVar[Stopwatch | None] = ContextVar("jobs_timing", default=None)


@contextmanager
def job(what: str, item_id: int, step: str) -> Iterator[Stopwatch]:
    """Time one run of a job; its line is logged when the run ends (however it ends)."""
    watch = Stopwatch()
    token = _current.set(watch)
    try:
        yield watch
    finally:
        _current.reset(token)
        if watch.stages:
            log.info("%s", watch.line(what, item_id, step))


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Count the block as ``name`` in the running job's stopwatch, if there is one."""
    watch = _current.get()
    if watch is None:
        yield
        return
    with watch.stage(name):
        yield


def add(name: str, seconds: float) -> None:
    """Count ``seconds`` measured elsewhere (a queue wait, the engine's own figures)."""
    watch = _current.get()
    if watch is not None:
        watch.add(name, seconds)


def parse(line: str) -> tuple[str, int, str, dict[str, float]] | None:
    """(what, id, step, stages) from a logged line, None if it is not one."""
    at = line.find(PREFIX + " ")
    if at < 0:
        return None
    fields = line[at:].split()
    if len(fields) < 4 or not fields[2].isdigit():
        return None
    stages: dict[str, float] = {}
    for part in fields[4:]:
        key, _, value = part.partition("=")
        try:
            stages[key] = float(value)
        except ValueError:
            return None
    return fields[1], int(fields[2]), fields[3], stages
