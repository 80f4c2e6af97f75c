"""A database connection that dies mid-request (a PostgreSQL restart, a failover, a
terminated backend) costs the caller nothing: the request is retried, a bounded number
of times."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy import event, func, select

from hotline.app import DB_ATTEMPTS
from tests.conftest import PG_ADMIN_URL
from tickets.models import Call


@contextmanager
def _connection_reset_at_insert(app, database_url: str,  # type: ignore[no-untyped-def]
                                times: int) -> Iterator[list[str]]:
    """The request's connection dies at each of its first ``times`` INSERTs into calls."""
    engine = app.extensions["hotline"].engine
    faults: list[str] = []

    def reset(conn, cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if len(faults) >= times or not statement.startswith("INSERT INTO calls"):
            return
        faults.append(statement)
        if database_url.startswith("postgresql"):
            pid = conn.connection.dbapi_connection.info.backend_pid
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        else:
            raise sqlite3.OperationalError("database is locked")

    event.listen(engine, "before_cursor_execute", reset)
    try:
        yield faults
    finally:
        event.remove(engine, "before_cursor_execute", reset)


def _choose_category(signed_post) -> tuple[str, object]:  # type: ignore[no-untyped-def]
    sid = "CA" + secrets.token_hex(16)
    form = {"CallSid": sid, "From": "+6281234567890", "To": "+62215550112", "Digits": "1"}
    return sid, signed_post("/ivr/menu/category/choose?attempt=0", form)


def test_a_connection_reset_in_the_middle_of_a_webhook_is_retried(app, signed_post, db,
                                                                  database_url):
    with _connection_reset_at_insert(app, database_url, times=1) as faults:
        sid, response = _choose_category(signed_post)
    assert faults, "the fault was not injected"
    assert response.status_code == 200 and "Gather" in response.text
    assert db.scalar(select(func.count()).select_from(Call).where(Call.call_sid == sid)) == 1


def test_a_retry_whose_connection_is_reset_too_is_retried_again(app, signed_post, db,
                                                                database_url):
    # Connections cut in a burst (a failover; benchmarks/faults.py terminating every
    # backend each 0.25 s) can cut the first retry as well: the caller still gets TwiML.
    with _connection_reset_at_insert(app, database_url, times=2) as faults:
        sid, response = _choose_category(signed_post)
    assert len(faults) == 2, "the faults were not injected"
    assert response.status_code == 200 and "Gather" in response.text
    assert db.scalar(select(func.count()).select_from(Call).where(Call.call_sid == sid)) == 1


def test_a_database_that_keeps_failing_is_retried_a_bounded_number_of_times(
        app, signed_post, db, database_url):
    with _connection_reset_at_insert(app, database_url, times=100) as faults:
        sid, response = _choose_category(signed_post)
    assert response.status_code == 500
    assert len(faults) == DB_ATTEMPTS
    assert db.scalar(select(func.count()).select_from(Call).where(Call.call_sid == sid)) == 0
