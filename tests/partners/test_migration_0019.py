"""Migration 0019 gives every existing agency approval off (answers go out as before),
adds the approval and partner tables, and goes down again, on both backends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic import command
from sqlalchemy import inspect, text

from hotline.migrate import alembic_config, upgrade
from tickets.db import make_engine

NEW_TABLES = {"answer_drafts", "approval_setting_changes", "partners", "partner_pokja",
              "partner_changes", "partner_requests"}


@pytest.fixture
def at_0018(database_at: Callable[[str], str]) -> str:
    return database_at("0018")


def test_existing_agencies_keep_answering_directly_and_the_way_back_drops_the_tables(at_0018):
    engine = make_engine(at_0018)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO pokja (id, code, name, active) "
                          "VALUES (1, 'PUPR', 'Pokja Infrastruktur', true)"))
    upgrade(at_0018)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT approval_required FROM pokja")).scalar_one() in (
            False, 0)
    assert NEW_TABLES <= set(inspect(engine).get_table_names())
    command.downgrade(alembic_config(at_0018), "0018")
    engine.dispose()
    engine = make_engine(at_0018)
    assert not NEW_TABLES & set(inspect(engine).get_table_names())
    assert "approval_required" not in {c["name"] for c in inspect(engine).get_columns("pokja")}
    with engine.begin() as conn:
        assert conn.execute(text("SELECT code FROM pokja")).scalar_one() == "PUPR"
    engine.dispose()
