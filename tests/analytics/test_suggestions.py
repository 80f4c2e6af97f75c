"""Suggestions stored per ticket, the operator's final choice, retraining, and the CLI."""

from __future__ import annotations

import json

from sqlalchemy import select

from analytics import suggestions
from analytics.suggest_models import SuggestModel, TicketSuggestion
from hotline.cli import cli
from media.transcripts import store_transcript
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Category, Channel, Pokja, Recording, Status, TranscriptionStatus
from tickets.services import create_ticket

TZ = "Asia/Jakarta"


def _phone_ticket(db, sid: str, text: str):
    ticket = create_ticket(db, channel=Channel.PHONE, actor=SYSTEM, tz=TZ,
                           reporter_phone="+6281111", status=Status.RECORDED,
                           transcription_status=TranscriptionStatus.PENDING)
    recording = Recording(ticket=ticket, recording_sid=sid)
    db.add(recording)
    db.commit()
    store_transcript(db, recording.id, {"text": text, "words": [], "engine": "whisper",
                                        "model": "base", "confidence": 0.8,
                                        "language": "id"}, tz=TZ)
    return ticket


def test_a_stored_transcript_gets_a_suggestion_with_its_model_version(app, db):
    ticket = _phone_ticket(db, "RE" + "1" * 32,
                           "jalan di desa kami berlubang besar sudah ada yang jatuh")
    db.commit()  # the suggestion task runs once the transcript's transaction committed
    db.expire_all()
    row = suggestions.stored(db, ticket.id)
    assert row is not None
    assert row.category.name == "Jalan dan jembatan" and row.pokja.code == "PUPR"
    assert 0 < row.confidence <= 1 and row.model_version.startswith("seed-")
    assert 1 <= len(row.alternatives) <= 2
    assert {"category", "pokja", "confidence"} <= set(row.alternatives[0])
    # Suggesting again with the same text and model changes nothing.
    again = suggestions.suggest_ticket(db, ticket)
    assert again is not None and again.id == row.id and again.created_at == row.created_at


def _forward(db, ticket, category_name: str):
    category = db.scalars(select(Category).where(Category.name == category_name)).one()
    ticket.category = category
    ticket.pokja = category.pokja or db.scalars(select(Pokja)).first()
    ticket.description = ticket.description or ticket.transcript.text
    transition(db, ticket, Status.FORWARDED, SYSTEM, tz=TZ)
    db.commit()


def test_the_final_choice_is_recorded_and_counted(app, db):
    taken = _phone_ticket(db, "RE" + "2" * 32, "sampah menumpuk di tps pasar tidak diangkut")
    changed = _phone_ticket(db, "RE" + "3" * 32, "puskesmas tutup dokternya tidak datang")
    db.commit()
    _forward(db, taken, "Sampah dan kebersihan")
    _forward(db, changed, "Pendidikan")
    rows = {r.ticket_id: r for r in db.scalars(select(TicketSuggestion))}
    assert rows[taken.id].accepted is True and rows[taken.id].decided_at is not None
    assert rows[changed.id].accepted is False
    assert rows[changed.id].final_category_id == changed.category_id
    share = suggestions.acceptance(db)
    assert (share.decided, share.accepted, share.share) == (2, 1, 0.5)


def test_retraining_on_verified_tickets_changes_the_model_version(app, db):
    first = suggestions.retrain(db)
    db.commit()
    assert first.created and first.verified_samples == 0
    assert suggestions.retrain(db).created is False  # nothing new: the same model
    ticket = _phone_ticket(db, "RE" + "4" * 32, "lampu taman kota rusak dan kabelnya terbuka")
    db.commit()
    _forward(db, ticket, "Jalan dan jembatan")
    second = suggestions.retrain(db)
    db.commit()
    assert second.created and second.verified_samples == 1
    assert second.version != first.version
    assert suggestions.current_classifier(db).version == second.version
    assert db.scalar(select(SuggestModel.version).order_by(SuggestModel.id.desc()).limit(1)) \
        == second.version
    # New suggestions name the model that made them.
    assert suggestions.suggest_text(db, "sampah menumpuk").model_version == second.version


def test_the_cli_prints_the_suggestion_as_json(app):
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["suggest", "air pdam di rumah saya macet tiga hari", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["category"] == "Lainnya" and data["pokja"] is None
    assert 0 < data["confidence"] <= 1
    assert 1 <= len(data["alternatives"]) <= 2
    assert {"category", "pokja", "confidence"} <= set(data["alternatives"][0])
    plain = runner.invoke(cli, ["suggest", "jalan berlubang di depan sekolah"])
    assert "category: Jalan dan jembatan" in plain.output and "pokja: PUPR" in plain.output
    short = runner.invoke(cli, ["suggest", "halo"])
    assert short.exit_code == 1 and "terlalu pendek" in short.output


def test_the_cli_retrains(app, db):
    result = app.test_cli_runner().invoke(cli, ["suggest", "retrain"])
    assert result.exit_code == 0, result.output
    assert "new model" in result.output
    assert db.scalar(select(SuggestModel.version)) is not None


def test_the_sweep_suggests_for_desk_tickets_typed_without_a_task(app, db):
    typed = create_ticket(db, channel=Channel.WALK_IN, actor=SYSTEM, tz=TZ,
                          description="KTP elektronik saya belum jadi sudah enam bulan")
    empty = create_ticket(db, channel=Channel.PHONE, actor=SYSTEM, tz=TZ,
                          status=Status.RECORDED)
    db.commit()
    assert suggestions.pending_ticket_ids(db) == [typed.id]
    from analytics.tasks import sweep

    assert sweep.delay().get() == 1
    db.expire_all()
    assert suggestions.stored(db, typed.id).category.name == "Administrasi kependudukan"
    assert suggestions.stored(db, empty.id) is None
    assert suggestions.pending_ticket_ids(db) == []


def test_tickets_show_json_carries_the_suggestion(app, db):
    ticket = _phone_ticket(db, "RE" + "7" * 32, "sekolah minta uang seragam mahal sekali")
    db.commit()
    result = app.test_cli_runner().invoke(cli, ["tickets", "show", ticket.number, "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)["suggestion"]
    assert shown["category"] == "Pendidikan" and shown["pokja"] == "DISDIK"
    assert shown["model_version"].startswith("seed-") and shown["accepted"] is None
