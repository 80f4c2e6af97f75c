"""Migration 0020 gives every existing user no WhatsApp number (e-mail only, as before)
and adds the reporter registry's audit trail, and goes down again, on both backends."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from sqlalchemy import inspect, text

from hotline.migrate import alembic_config, upgrade
from tickets.db import make_engine


def test_existing_users_keep_their_email_and_the_way_back_drops_the_new_parts(
        database_at: Callable[[str], str]):
    url = database_at("0019")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO users (id, username, full_name, password_hash, role, email, active, "
            "created_at) VALUES (1, 'bupati', 'Bupati', 'x', 'leadership', "
            "'bupati@pemkab.example.id', true, '2026-01-05 09:00:00')"))
    upgrade(url)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT email, whatsapp FROM users")).one() == (
            "bupati@pemkab.example.id", None)
    assert "trusted_reporter_changes" in inspect(engine).get_table_names()
    command.downgrade(alembic_config(url), "0019")
    engine.dispose()
    engine = make_engine(url)
    assert "trusted_reporter_changes" not in inspect(engine).get_table_names()
    assert "whatsapp" not in {c["name"] for c in inspect(engine).get_columns("users")}
    with engine.begin() as conn:
        assert conn.execute(text("SELECT username FROM users")).scalar_one() == "bupati"
    engine.dispose()
