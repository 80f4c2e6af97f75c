"""The public site's and Open311's fixtures: published tickets made through the domain,
an API key, and the rate limiter's clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import limits.storage.memory
import limits.storage.redis
import pytest
from sqlalchemy.orm import Session

from accounts.apikeys import create_key
from portal.publishing import PublicText, publish
from tests.agents.conftest import (  # noqa: F401  (fixtures)
    admin,
    agent,
    make_ticket,
    operator,
    supervisor,
    user_named,
)
from tickets.models import Status, Ticket

REPORTER = "Budi Santoso"
PHONE = "+6281234567890"  # what make_ticket files every ticket with
LAST_FOUR = "7890"
ANSWER = "Jalan sudah ditambal oleh Dinas PUPR pada hari Senin."
SUMMARY = "Jalan berlubang di depan SD Negeri 1 Desa Sukamaju."


@pytest.fixture
def published(db: Session, make_ticket: Callable[..., Ticket]  # noqa: F811
              ) -> Callable[..., Ticket]:
    """An answered ticket whose summary and answer a supervisor published."""

    def make(summary: str = SUMMARY, answer: str = ANSWER, **fields: Any) -> Ticket:
        ticket = make_ticket(Status.ANSWERED, answer=answer, **fields)
        publish(db, user_named(db, "supervisor"), ticket.number,
                PublicText(summary, fields.pop("address", "")), version=ticket.version,
                tz="Asia/Jakarta")
        db.commit()
        return ticket

    return make


@pytest.fixture
def api_key(db: Session) -> str:
    _row, key = create_key(db, "Aplikasi Lapor Desa")
    db.commit()
    return key


class LimiterClock:
    """The rate limiter's time. ``limits`` (under Flask-Limiter) reads ``time.time()`` in
    its storage modules; the moving window keeps each hit's timestamp, so moving this
    clock forward is the window passing, on the memory and the Redis storage alike."""

    def __init__(self, start: float = 1_900_000_000.0) -> None:
        self.now = start

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def limiter_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[LimiterClock]:
    clock = LimiterClock()
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    monkeypatch.setattr(limits.storage.redis, "time", clock)
    yield clock
