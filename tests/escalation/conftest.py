"""The console's cast (tests/agents/conftest.py) plus the ladder's own: the agency head
of PUPR and the regent's office, both with e-mail addresses (the demo seeds them)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from tests.agents.conftest import (  # noqa: F401  (fixtures)
    Agent,
    admin,
    agent,
    leadership,
    make_ticket,
    operator,
    pokja,
    pokja2,
    pokja3,
    supervisor,
)
from tickets.clock import utcnow
from tickets.models import Status, Ticket


@pytest.fixture
def late_ticket(db: Session,
                make_ticket: Callable[..., Ticket]) -> Callable[..., Ticket]:  # noqa: F811
    """A forwarded ticket whose follow-up deadline passed ``days`` calendar days before
    ``now`` (a Wednesday by default, so weekends are easy to count)."""

    def make(days: int, code: str = "PUPR", now: datetime | None = None) -> Ticket:
        ticket = make_ticket(Status.FORWARDED, code)
        ticket.followup_due_at = (now or utcnow()) - timedelta(days=days)
        db.commit()
        return ticket

    return make
