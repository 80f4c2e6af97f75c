"""Bounded waits on a condition, for what happens in another thread or process (a worker,
a server coming up). The timeout only guards against a hang: no test asserts on time."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Short: a condition met between two looks costs at most this much.
INTERVAL = 0.05


def wait_until(condition: Callable[[], T], timeout: float, what: str) -> T:
    """``condition()``'s first truthy value; fails naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(INTERVAL)
