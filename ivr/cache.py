"""A short-lived per-process cache for the reference data every webhook reads.

The greeting and the menus read the hotline settings and the categories on every
request. They change rarely (an admin edits them in the console), so each process
keeps them for a few seconds: an edit reaches callers within that time, and the
webhooks skip one or two queries each.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class TtlValue(Generic[T]):
    def __init__(self, seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock  # tests pass their own, to let the time pass without waiting
        self._value: T | None = None
        self._expires = 0.0
        self._lock = threading.Lock()

    def get(self, load: Callable[[], T]) -> T:
        if self.seconds <= 0:
            return load()
        now = self.clock()
        with self._lock:
            if self._value is not None and now < self._expires:
                return self._value
        value = load()
        with self._lock:
            self._value, self._expires = value, now + self.seconds
        return value
