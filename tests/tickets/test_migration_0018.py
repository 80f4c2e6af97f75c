"""Migration 0018 adds the tickets' sources beside existing tickets (which need no row)
and goes down again (SQLite here; PostgreSQL builds the same table in every session's
migrated test database, compared with the models by tests/hotline/test_schema.py)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from hotline.migrate import alembic_config, upgrade
from tickets.db import make_engine


def test_0018_creates_ticket_sources_and_goes_down_cleanly(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'mig.db'}"
    upgrade(url, "0017")
    upgrade(url, "0018")
    engine = make_engine(url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("ticket_sources")}
        assert {"ticket_id", "kind", "link", "author", "posted_on", "file_path",
                "manual_reply_at"} <= columns
        command.downgrade(alembic_config(url), "0017")
        assert "ticket_sources" not in inspect(engine).get_table_names()
        upgrade(url, "0018")
        assert "ticket_sources" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
