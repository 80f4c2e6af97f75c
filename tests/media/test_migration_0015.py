"""Migration 0015 splits the old attempt counter of message media into one per stage, so
a voice note whose download needed retries keeps its transcription attempts; it renames
the recordings' counter to match, and goes down again without loss, on both backends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic import command
from sqlalchemy import text

from hotline.migrate import alembic_config, upgrade
from tickets.db import make_engine

NOW = "2024-05-06 09:00:00"
# id: (kind, status, transcript_status, the old attempts)
ATTACHMENTS = {
    1: ("audio", "pending", "pending", 2),  # its download is being retried
    2: ("audio", "stored", "pending", 4),   # three failed downloads, then stored
    3: ("audio", "stored", "done", 2),      # stored, then transcribed once
    4: ("image", "stored", "none", 1),      # a photo
    5: ("audio", "failed", "failed", 7),    # its download failed for good
    6: ("audio", "stored", "manual", 1),    # no speech engine: an operator listens
}


@pytest.fixture
def at_0014(database_at: Callable[[str], str]) -> str:
    return database_at("0014")


def _rows(conn, sql: str) -> dict[int, tuple]:  # type: ignore[no-untyped-def]
    return {row[0]: tuple(row[1:]) for row in conn.execute(text(sql))}


def test_each_stage_gets_its_own_count_and_the_way_back_restores_the_old_one(at_0014):
    engine = make_engine(at_0014)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO tickets (id, number, status, channel, priority, anonim, rahasia, "
            "contact_opt_out, transcription_status, answer_published, version, "
            "classification, created_at, updated_at) VALUES (1, '12345678', 'recorded', "
            "'whatsapp', 2, false, false, false, 'pending', false, 1, 'pengaduan', :now, "
            ":now)"), {"now": NOW})
        conn.execute(text(
            "INSERT INTO recordings (id, ticket_id, recording_sid, status, attempts, "
            "created_at) VALUES (1, 1, 'RE1', 'stored', 3, :now)"), {"now": NOW})
        conn.execute(text(
            "INSERT INTO conversations (id, address, channel, state, anonim, last_inbound_at, "
            "opted_out, window_started_at, window_count, limited_told, created_at) VALUES "
            "(1, 'whatsapp:+6281234567890', 'whatsapp', 'new', false, :now, false, :now, 0, "
            "false, :now)"), {"now": NOW})
        conn.execute(text(
            "INSERT INTO inbound_messages (id, message_sid, conversation_id, received_at, "
            "num_media, role, draft, ticket_id) VALUES (1, 'MM1', 1, :now, 6, 'content', "
            "false, 1)"), {"now": NOW})
        for aid, (kind, status, transcript, attempts) in ATTACHMENTS.items():
            conn.execute(text(
                "INSERT INTO attachments (id, message_id, media_index, ticket_id, kind, "
                "source_url, status, transcript_status, attempts, created_at) VALUES "
                "(:id, 1, :id, 1, :kind, 'https://api.twilio.com/x', :status, :transcript, "
                ":attempts, :now)"), {"id": aid, "kind": kind, "status": status,
                                      "transcript": transcript, "attempts": attempts,
                                      "now": NOW})

    upgrade(at_0014, "0015")
    with engine.connect() as conn:
        assert _rows(conn, "SELECT id, download_attempts, transcribe_attempts "
                           "FROM recordings") == {1: (3, 0)}
        counts = _rows(conn, "SELECT id, download_attempts, transcribe_attempts "
                             "FROM attachments")
        statuses = _rows(conn, "SELECT id, transcript_status FROM attachments")
    assert counts == {
        1: (2, 0),
        2: (4, 0),  # all its transcription attempts are still ahead of it
        3: (1, 1),  # the one transcription attempt its transcript took
        4: (1, 0),
        5: (7, 0),
        6: (1, 0),
    }
    assert statuses == {aid: (row[2],) for aid, row in ATTACHMENTS.items()}

    command.downgrade(alembic_config(at_0014), "0014")
    with engine.connect() as conn:
        assert _rows(conn, "SELECT id, attempts FROM recordings") == {1: (3,)}
        assert _rows(conn, "SELECT id, attempts FROM attachments") == {
            aid: (row[3],) for aid, row in ATTACHMENTS.items()}
        assert _rows(conn, "SELECT id, transcript_status FROM attachments") == statuses
    engine.dispose()
