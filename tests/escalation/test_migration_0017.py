"""Migration 0017 adds the ladder's and the trusted reporters' tables, and goes down and
up again, with the unique key the exactly-once escalation stands on."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from hotline.migrate import alembic_config, upgrade
from tickets.db import make_engine

TABLES = {"escalation_rules", "escalations", "dispositions", "trusted_reporters",
          "trusted_reports"}


def test_0017_goes_up_down_and_up_again(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url, "0016")
    upgrade(url)
    engine = make_engine(url)
    assert TABLES <= set(inspect(engine).get_table_names())
    with engine.begin() as conn, pytest.raises(IntegrityError):
        conn.execute(text("INSERT INTO pokja (id, code, name, active) VALUES (1, 'A', 'A', 1)"))
        conn.execute(text(
            "INSERT INTO tickets (id, number, status, channel, priority, anonim, rahasia, "
            "contact_opt_out, transcription_status, answer_published, created_at, updated_at,"
            " classification, version) VALUES (1, '10000001', 'forwarded', 'walk_in', 2, 0,"
            " 0, 0, 'none', 0, '2026-01-01', '2026-01-01', 'pengaduan', 1)"))
        for _ in range(2):
            conn.execute(text("INSERT INTO escalations (ticket_id, level, days_late, "
                              "created_at) VALUES (1, 'kepala', 3, '2026-01-02')"))
    command.downgrade(alembic_config(url), "0016")
    assert not TABLES & set(inspect(engine).get_table_names())
    upgrade(url)
    assert TABLES <= set(inspect(engine).get_table_names())
    engine.dispose()
