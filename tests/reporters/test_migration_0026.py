"""Migration 0026 files existing trusted reporters and their reports under the gazetteer's
desa: the same village spelt three ways becomes one reference, an unclear or unknown text
keeps no reference (the console asks to choose it again), the registry's history says what
was matched; and it goes down again, on both backends."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from sqlalchemy import inspect, text

from hotline.migrate import alembic_config, upgrade
from tickets.db import make_engine

NOW = "2026-01-05 09:00:00"
PLACES = ((1, "kecamatan", "Polewali", "", None), (2, "desa", "Madatte", "", 1),
          (3, "desa", "Lantora", "", 1), (4, "kecamatan", "Matakali", "", None),
          (5, "desa", "Indo Makkombong", "Indomakkondang", 4),
          (6, "kecamatan", "Luyo", "", None), (7, "desa", "Baru", "", 6),
          (8, "desa", "Baru", "", 1))
# Each reporter's typed desa, and the place it should come to (None: chosen again).
TYPED = (("Kelurahan  MADATTE", 2), ("madatte", 2), ("Madate", 2),   # one village, 3 ways
         ("Desa Indomakkondang", 5),                                 # another spelling
         ("Desa Lantora Baru", None),                                # not one of ours
         ("Desa Baru", None))                                        # Luyo's or Polewali's?


def test_typed_desa_come_to_the_gazetteer_and_the_way_back_drops_the_references(
        database_at: Callable[[str], str]):
    url = database_at("0025")
    engine = make_engine(url)
    with engine.begin() as conn:
        for pid, kind, name, aliases, parent in PLACES:
            conn.execute(text("INSERT INTO places (id, kind, name, aliases, parent_id, active) "
                              "VALUES (:id, :kind, :name, :aliases, :parent, true)"),
                         {"id": pid, "kind": kind, "name": name, "aliases": aliases,
                          "parent": parent})
        conn.execute(text(
            "INSERT INTO tickets (id, number, status, channel, priority, anonim, rahasia, "
            "contact_opt_out, transcription_status, answer_published, version, "
            "classification, created_at, updated_at) VALUES (1, '12345678', 'recorded', "
            "'phone', 2, false, false, false, 'none', false, 1, 'pengaduan', :now, :now)"),
            {"now": NOW})
        for rid, (typed, _) in enumerate(TYPED, start=1):
            conn.execute(text(
                "INSERT INTO trusted_reporters (id, phone, name, role, desa, active, "
                "created_at) VALUES (:id, :phone, 'Pak RT', 'ketua_rt', :desa, true, :now)"),
                {"id": rid, "phone": f"+62813000000{rid:02d}", "desa": typed, "now": NOW})
        conn.execute(text(
            "INSERT INTO trusted_reports (id, ticket_id, reporter_id, area, desa, created_at) "
            "VALUES (1, 1, 3, 'RT 001, Madate', 'Madate', :now)"), {"now": NOW})
    upgrade(url, "0026")
    with engine.connect() as conn:
        reporters = conn.execute(text(
            "SELECT desa, desa_id FROM trusted_reporters ORDER BY id")).all()
        report = conn.execute(text("SELECT area, desa, desa_id FROM trusted_reports")).one()
        history = conn.execute(text(
            "SELECT reporter_id, changed_by_id, action, summary FROM trusted_reporter_changes "
            "ORDER BY reporter_id")).all()
    assert [desa_id for _, desa_id in reporters] == [place for _, place in TYPED]
    assert [desa for desa, _ in reporters] == [
        "Madatte", "Madatte", "Madatte", "Indo Makkombong", "Desa Lantora Baru", "Desa Baru"]
    assert tuple(report) == ("RT 001, Madate", "Madate", 2)  # filed as it was, counted as 2
    assert [(r, by, action) for r, by, action, _ in history] == [
        (n, None, "ubah") for n in (1, 2, 3, 4)]
    assert "“Madate”" in history[2].summary and "Kecamatan Polewali" in history[2].summary

    command.downgrade(alembic_config(url), "0025")
    engine.dispose()
    engine = make_engine(url)
    for table in ("trusted_reporters", "trusted_reports"):
        assert "desa_id" not in {c["name"] for c in inspect(engine).get_columns(table)}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM trusted_reporter_changes")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM trusted_reporters")).scalar() == 6
    engine.dispose()
