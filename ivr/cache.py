"""A short-lived per-process cache for the reference data every webhook reads.

The greeting and the menus read the hotline settings and the categories on every
request. They change rarely (an admin edits them in the console), so each process
keeps them for a few seconds: an edit reaches callers within that time, and the
webhooks skip one or two queries each.
"""

from __future__ import annotations

import operator
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
        # The value and when it expires, replaced together in one assignment: a reader
        # (every webhook) takes both in one read, without a lock.
        self._current: tuple[T | None, float] = (None, 0.0)

    def clear(self) -> None:
        """Forget the value: the next ``get`` loads it (a test that swaps the clock)."""
        self._current = (None, 0.0)

    def get(self, load: Callable[[], T]) -> T:
        if self.seconds <= 0:
            return load()
        now = self.clock()
        value, expires = self._current
        if value is not None and now < expires:
            return value
        value = load()
        self._current = (value, now + self.seconds)
        return value


class RenderedTwiml:
    """The TwiML of the menus that depend only on their URL and the reference data (the
    greeting, a menu's options), rendered once per process and reused while the
    reference data it was rendered from is still the one :class:`TtlValue` hands out (the
    same objects until they expire): an edit reaches callers as soon as it would anyway.
    Building and serialising the VoiceResponse was a fifth of a webhook's time."""

    def __init__(self, limit: int = 512) -> None:
        self.limit = limit
        self._items: dict[tuple[object, ...], tuple[tuple[object, ...], str]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...], made_from: tuple[object, ...],
            render: Callable[[], str]) -> str:
        hit = self._items.get(key)  # one dict read; writers hold the lock
        if hit is not None:
            held, xml = hit
            if len(held) == len(made_from) and all(map(operator.is_, held, made_from)):
                return xml
        xml = render()
        with self._lock:
            if len(self._items) >= self.limit:
                self._items.clear()
            # Holding ``made_from`` keeps those objects alive: an identity match is
            # never a new object at a freed one's address.
            self._items[key] = (made_from, xml)
        return xml
