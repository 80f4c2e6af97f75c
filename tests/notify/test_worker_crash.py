"""A real Celery worker, killed while the provider holds its request open, then restarted:
nothing is sent twice and nothing is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from hotline.celery_app import make_celery
from hotline.demo import seed_demo
from hotline.runtime import Runtime, build_runtime
from hotline.settings import REPO_ROOT, load_settings
from notify.models import OutboxMessage, OutboxStatus
from tests.conftest import _empty_tables, leased_redis_db, make_test_env
from tests.waiting import wait_until
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Status

from .conftest import CALLER, POKJA_WA, make_ticket, notify_env, rows

pytestmark = [pytest.mark.redis, pytest.mark.slow]


@pytest.fixture
def worker_env(database_url: str, tmp_path: Path, twilio, mailbox) -> Iterator[dict[str, str]]:
    with leased_redis_db() as redis_url:
        yield make_test_env(database_url, tmp_path, REDIS_URL=redis_url,
                            **notify_env(twilio, mailbox))


@pytest.fixture
def runtime(worker_env: dict[str, str]) -> Iterator[Runtime]:
    """This process plays the web app: commits enqueue to Redis, not eagerly."""
    _empty_tables(worker_env["DATABASE_URL"])
    rt = build_runtime(load_settings(worker_env))
    make_celery(rt)
    with rt.session() as session:
        seed_demo(session)
        session.commit()
    yield rt
    rt.engine.dispose()


@pytest.fixture
def start_worker(worker_env: dict[str, str],
                 tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        env = {**os.environ, **worker_env, "PYTHONPATH": str(REPO_ROOT)}
        log = open(tmp_path / f"worker{len(procs)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "hotline.worker", "worker", "-Q", "default",
             "-c", "1", "-n", f"notifytest{len(procs)}@%h", "--without-mingle",
             "--without-gossip", "--loglevel=INFO"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill the pool child too
        )
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


@pytest.mark.parametrize("provider_had_it", [True, False], ids=["accepted", "lost"])
def test_a_worker_killed_mid_delivery_sends_nothing_twice_and_loses_nothing(
        runtime: Runtime, start_worker, twilio, mailbox, provider_had_it: bool):
    db: Session = runtime.session()
    # accepted: Twilio has the SMS and our commit never comes; lost: Twilio never had it.
    hold = twilio.hold_next(accept_first=provider_had_it)
    ticket = make_ticket(db)
    transition(db, ticket, Status.FORWARDED, SYSTEM, tz="Asia/Jakarta")
    db.commit()  # enqueues three deliveries on Redis: SMS, e-mail, WhatsApp

    worker = start_worker()
    assert hold.holding.wait(30), "the worker never reached the provider"
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)
    hold.release.set()

    sms = rows(db, channel="sms")[0]
    assert sms.status is OutboxStatus.SENDING  # the crash window: we cannot know locally
    assert len(twilio.sent(to=CALLER)) == (1 if provider_had_it else 0)
    assert mailbox.messages == [] and twilio.sent(to=f"whatsapp:{POKJA_WA}") == []

    start_worker()
    wait_until(lambda: all(r.status is OutboxStatus.SENT
                           for r in rows(db) if r.channel != "sms"), 60,
               "the e-mail and WhatsApp the dead worker never started")
    # As if the stale-sending time had passed: the dead worker's claim is aged, not waited.
    stale = timedelta(seconds=runtime.settings.notify.stale_sending_seconds + 60)
    assert sms.claimed_at is not None
    db.execute(update(OutboxMessage).where(OutboxMessage.id == sms.id)
               .values(claimed_at=sms.claimed_at - stale))
    db.commit()
    runtime_celery = make_celery(runtime)
    runtime_celery.send_task("notify.sweep")  # what beat does every minute
    wait_until(lambda: rows(db, channel="sms")[0].status is OutboxStatus.SENT, 60,
               "the sweep to reconcile the SMS")

    sms = rows(db, channel="sms")[0]
    accepted = twilio.sent(to=CALLER)
    assert len(accepted) == 1 and sms.provider_id == accepted[0]["sid"]
    posts = [r for r in twilio.requests if r[0] == "POST" and r[2]["To"] == CALLER]
    # Reconciled from the provider's list, or sent again because the provider had nothing.
    assert sms.attempts == len(posts) == (1 if provider_had_it else 2)
    assert len(twilio.sent(to=f"whatsapp:{POKJA_WA}")) == 1
    assert len(mailbox.messages) == 1
    assert [r.status for r in rows(db)] == [OutboxStatus.SENT] * 3
    db.close()
