"""Migration 0022 indexes the caller's phone and name, adds the presence table, and goes
down again, on both backends, keeping the tickets."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from sqlalchemy import inspect, text

from hotline.migrate import alembic_config, upgrade
from tickets.db import make_engine


def _indexes(engine, table: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {i["name"] for i in inspect(engine).get_indexes(table)}


def test_the_caller_indexes_and_presence_table_come_and_go(
        database_at: Callable[[str], str]):
    at_0021 = database_at("0021")
    engine = make_engine(at_0021)
    upgrade(at_0021)
    assert "ticket_presence" in inspect(engine).get_table_names()
    assert "ix_tickets_reporter_phone" in _indexes(engine, "tickets")
    assert "ix_calls_from_number" in _indexes(engine, "calls")
    if engine.dialect.name == "postgresql":
        assert "ix_tickets_reporter_name_trgm" in _indexes(engine, "tickets")
    command.downgrade(alembic_config(at_0021), "0021")
    engine.dispose()
    engine = make_engine(at_0021)
    assert "ticket_presence" not in inspect(engine).get_table_names()
    assert not {"ix_tickets_reporter_phone", "ix_tickets_reporter_name_trgm"} & _indexes(
        engine, "tickets")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM tickets")).scalar_one() == 0
    engine.dispose()
