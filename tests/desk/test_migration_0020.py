"""Migration 0020 indexes the caller's phone and name, adds the presence table, and goes
down again, on both backends, keeping the tickets."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command
from sqlalchemy import inspect, text

from hotline.migrate import alembic_config, upgrade
from tests.conftest import BACKENDS, PG_ADMIN_URL, _sqlalchemy_pg_url
from tickets.db import make_engine


@pytest.fixture(params=BACKENDS)
def at_0019(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        upgrade(url, "0019")
        yield url
        return
    name = f"suarawarga_mig_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = _sqlalchemy_pg_url(name)
        upgrade(url, "0019")
        yield url
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _indexes(engine, table: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {i["name"] for i in inspect(engine).get_indexes(table)}


def test_the_caller_indexes_and_presence_table_come_and_go(at_0019):
    engine = make_engine(at_0019)
    upgrade(at_0019)
    assert "ticket_presence" in inspect(engine).get_table_names()
    assert "ix_tickets_reporter_phone" in _indexes(engine, "tickets")
    assert "ix_calls_from_number" in _indexes(engine, "calls")
    if engine.dialect.name == "postgresql":
        assert "ix_tickets_reporter_name_trgm" in _indexes(engine, "tickets")
    command.downgrade(alembic_config(at_0019), "0019")
    engine.dispose()
    engine = make_engine(at_0019)
    assert "ticket_presence" not in inspect(engine).get_table_names()
    assert not {"ix_tickets_reporter_phone", "ix_tickets_reporter_name_trgm"} & _indexes(
        engine, "tickets")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM tickets")).scalar_one() == 0
    engine.dispose()
