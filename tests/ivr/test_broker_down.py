"""The broker is down while callers confirm: each still hears the ticket number, and the
work waits in the database for the sweep."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from hotline.app import create_app
from hotline.demo import seed_demo
from hotline.settings import Settings
from media import policy, work
from tickets.clock import utcnow
from tickets.models import Recording, RecordingStatus, Ticket


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens there once closed


@pytest.fixture
def env_overrides() -> dict[str, str]:
    return {"REDIS_URL": f"redis://127.0.0.1:{_closed_port()}/0"}


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    app = create_app(settings, TESTING=True)  # a real broker, and it is down
    runtime = app.extensions["hotline"]
    with runtime.transaction() as session:
        seed_demo(session)
    yield app
    runtime.engine.dispose()


def test_callers_hear_their_number_while_the_broker_is_down(place_call, complaint_wav, db):
    numbers = []
    for _ in range(3):
        result = place_call("1", "1", "2", "1", recordings=[complaint_wav])
        assert result.ticket_number is not None  # no HTTP 500: the simulator would raise
        assert result.digits_heard.count(result.ticket_number) == 2
        numbers.append(result.ticket_number)
    db.expire_all()
    filed = db.scalars(select(Ticket).where(Ticket.number.in_(numbers))).all()
    assert len(filed) == 3
    recordings = db.scalars(select(Recording)).all()
    assert all(r.status is RecordingStatus.PENDING and r.lease_until is None
               for r in recordings)
    # Once the broker is back, the sweep's next run hands each download to a worker.
    later = utcnow() + policy.UNCLAIMED_GRACE + timedelta(seconds=1)
    rescued = work.RECORDINGS.downloads_to_rescue(db, later)
    assert sorted(rescued) == sorted(r.id for r in recordings)
