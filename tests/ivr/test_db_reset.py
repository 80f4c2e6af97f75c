"""A database connection that dies mid-request (a PostgreSQL restart, a failover, a
terminated backend) costs the caller nothing: the request is retried once."""

from __future__ import annotations

import secrets
import sqlite3

import psycopg
from sqlalchemy import event, func, select

from tests.conftest import PG_ADMIN_URL
from tickets.models import Call


def test_a_connection_reset_in_the_middle_of_a_webhook_is_retried(app, signed_post, db,
                                                                  database_url):
    engine = app.extensions["hotline"].engine
    faults = []

    @event.listens_for(engine, "before_cursor_execute")
    def _reset_once(conn, cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if faults or not statement.startswith("INSERT INTO calls"):
            return
        faults.append(statement)
        if database_url.startswith("postgresql"):
            pid = conn.connection.dbapi_connection.info.backend_pid
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        else:
            raise sqlite3.OperationalError("database is locked")

    sid = "CA" + secrets.token_hex(16)
    form = {"CallSid": sid, "From": "+6281234567890", "To": "+62215550112", "Digits": "1"}
    response = signed_post("/ivr/menu/category/choose?attempt=0", form)
    event.remove(engine, "before_cursor_execute", _reset_once)
    assert faults, "the fault was not injected"
    assert response.status_code == 200 and "Gather" in response.text
    assert db.scalar(select(func.count()).select_from(Call).where(Call.call_sid == sid)) == 1
