"""Migration 0006 keeps existing history readable by whom it was meant for: a pokja user's
entries by their pokja, a forwarding note by the ticket's pokja, everything else by the
call centre only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic import command
from sqlalchemy import text

from hotline.migrate import alembic_config, upgrade
from tickets.db import make_engine

NOW = "2024-05-06 09:00:00"


@pytest.fixture
def at_0005(database_at: Callable[[str], str]) -> str:
    return database_at("0005")


def test_existing_history_is_shared_with_the_pokja_it_belongs_to(at_0005):
    engine = make_engine(at_0005)
    with engine.begin() as conn:
        for pid, code in ((1, "PUPR"), (2, "DINKES")):
            conn.execute(text("INSERT INTO pokja (id, code, name, active) "
                              "VALUES (:id, :code, :code, true)"), {"id": pid, "code": code})
        for uid, role, pokja in ((1, "operator", None), (2, "pokja", 1)):
            conn.execute(text(
                "INSERT INTO users (id, username, full_name, password_hash, role, pokja_id, "
                "active, created_at) VALUES (:id, :u, :u, 'x', :role, :pokja, true, :now)"),
                {"id": uid, "u": role, "role": role, "pokja": pokja, "now": NOW})
        conn.execute(text(
            "INSERT INTO tickets (id, number, status, channel, pokja_id, priority, anonim, "
            "rahasia, contact_opt_out, transcription_status, answer_published, created_at, "
            "updated_at) VALUES (1, '12345678', 'forwarded', 'phone', 2, 2, false, false, "
            "false, 'none', false, :now, :now)"), {"now": NOW})
        for eid, actor, kind, to_status, internal in (
                (1, 1, "note", None, True),                      # the operator's note
                (2, 1, "transition", "forwarded", False),        # a forward to DINKES
                (3, 2, "note", None, True),                      # PUPR's note
                (4, 2, "transition", "awaiting_verification", False),  # PUPR's return
                (5, None, "transition", "awaiting_verification", False)):  # the system
            conn.execute(text(
                "INSERT INTO ticket_events (id, ticket_id, at, actor_id, actor_label, kind, "
                "to_status, internal) VALUES (:id, 1, :now, :actor, 'x', :kind, :to, :int)"),
                {"id": eid, "now": NOW, "actor": actor, "kind": kind, "to": to_status,
                 "int": internal})
    upgrade(at_0005, "0006")
    with engine.connect() as conn:
        shared = dict(conn.execute(text(
            "SELECT id, shared_with_pokja_id FROM ticket_events ORDER BY id")).all())
    assert shared == {1: None, 2: 2, 3: 1, 4: 1, 5: None}
    command.downgrade(alembic_config(at_0005), "0005")  # and back, on both backends
    engine.dispose()
