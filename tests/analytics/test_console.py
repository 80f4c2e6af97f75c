"""The console: the admin's keyword groups, badges and highlighted words on the ticket
page, the queue's flag filter, and `hotline tickets show --json`."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from analytics.models import KeywordGroup, Severity
from hotline.cli import cli
from notify.models import OutboxMessage
from tests.agents.conftest import Agent, sign_in, user_named
from tests.analytics.conftest import ticket_of


def signed_in(app, username: str) -> Agent:  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, username)
    return Agent(client, username)


@pytest.fixture
def admin(app) -> Agent:  # type: ignore[no-untyped-def]
    return signed_in(app, "admin")


@pytest.fixture
def operator(app) -> Agent:  # type: ignore[no-untyped-def]
    return signed_in(app, "operator")


def test_the_admin_creates_changes_and_deletes_a_keyword_group(admin, db, phoned):
    page = admin.get("/console/admin/deteksi-dini").get_data(as_text=True)
    assert "bencana" in page and "konflik" in page and "kesehatan darurat" in page
    supervisor = user_named(db, "supervisor")
    response = admin.post("/console/admin/deteksi-dini", {
        "name": "kekeringan", "words": "kekeringan\ngagal panen", "severity": "medium",
        "user_ids": [str(supervisor.id)], "extra_contacts": "0812-0000-0199",
        "channels": ["sms"], "active": "1", "mode": "selalu", "kinds": ["bahaya_lain"]})
    assert response.status_code == 302, response.get_data(as_text=True)
    group = db.scalar(select(KeywordGroup).where(KeywordGroup.name == "kekeringan"))
    assert (group.severity, group.channel_list, group.extra_contacts, group.users) == (
        Severity.MEDIUM, ["sms"], "+6281200000199", [supervisor])
    assert (group.mode, group.kind_list) == ("selalu", ["bahaya_lain"])
    # "selalu alarm": the group alerts although the model sees no event in a drought.
    number = phoned("sawah kami kekeringan dan warga gagal panen")
    rows = db.scalars(select(OutboxMessage).where(
        OutboxMessage.ticket_id == ticket_of(db, number).id)).all()
    assert [(r.channel, r.recipient) for r in rows] == [("sms", "+6281200000199")]
    admin.post("/console/admin/deteksi-dini", {
        "group_id": str(group.id), "name": "kekeringan", "words": "kemarau",
        "severity": "low", "supervisors": "1", "channels": ["email"], "active": "1"})
    db.expire_all()
    assert group.words == "kemarau" and group.notify_supervisors and group.users == []
    admin.post("/console/admin/deteksi-dini", {"group_id": str(group.id), "action": "hapus",
                                              "konfirmasi": "ya"})
    assert db.scalar(select(KeywordGroup).where(KeywordGroup.name == "kekeringan")) is None


@pytest.mark.parametrize("form, field, message", [
    ({"name": "", "words": "x"}, "name", "Nama kelompok wajib diisi"),
    ({"name": "a", "words": "  "}, "words", "minimal satu kata"),
    ({"name": "a", "words": "x", "channels": ["fax"]}, "channels", "Pilih minimal satu saluran"),
    ({"name": "a", "words": "x", "extra_contacts": "bukan-nomor"}, "extra_contacts",
     "tidak valid"),
    ({"name": "bencana", "words": "x"}, "name", "sudah dipakai"),
    ({"name": "a", "words": "x", "severity": "gawat"}, "severity", "tidak dikenal"),
    ({"name": "a", "words": "x", "mode": "kadang"}, "mode", "Pilih cara kerja"),
    ({"name": "a", "words": "x", "kinds": ["gempa"]}, "kinds", "Jenis kejadian tidak dikenal"),
])
def test_a_bad_keyword_group_is_refused_with_the_reason(admin, form, field, message):
    data = {"severity": "high", "channels": ["email"], "supervisors": "1", **form}
    response = admin.post("/console/admin/deteksi-dini", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_only_admins_manage_keyword_groups_and_places(operator):
    assert operator.get("/console/admin/deteksi-dini").status_code == 403
    assert operator.get("/console/admin/wilayah").status_code == 403


def test_the_ticket_page_shows_the_flag_and_highlights_the_matched_words(
        phoned, db, operator, runtime):
    number = phoned("Tolong ada kebakarn di pasar desa Lapeo")
    ticket = ticket_of(db, number)
    ticket.transcript.words = [{"word": w, "start": i, "confidence": 0.9} for i, w in
                               enumerate("Tolong ada kebakarn di pasar".split())]
    db.commit()
    page = operator.get(f"/console/tiket/{number}").get_data(as_text=True)
    assert "&#9888; kebakaran" in page and "<mark>kebakarn</mark>" in page
    assert 'class="w hit" data-start="2.0"' in page
    assert 'class="w" data-start="3.0"' in page


def test_the_queue_shows_badges_and_filters_by_flag(phoned, operator):
    fire = phoned("kebakaran rumah warga", phone="+6281211112222")
    quiet = phoned("lampu jalan mati", phone="+6281211113333")
    page = operator.get("/console/antrean").get_data(as_text=True)
    assert "&#9888; kebakaran" in page and fire in page and quiet in page
    page = operator.get("/console/antrean?tanda=peringatan").get_data(as_text=True)
    assert fire in page and quiet not in page
    again = phoned("lampu jalan masih mati", phone="+6281211113333")
    page = operator.get("/console/antrean?tanda=duplikat").get_data(as_text=True)
    assert again in page and fire not in page and "Mungkin duplikat" in page
    response = operator.get("/console/antrean?tanda=rahasia")
    assert response.status_code == 422 and "Tanda tidak dikenal" in response.get_data(
        as_text=True)


def test_tickets_show_json_carries_flags_and_location(app, phoned):
    first = phoned("Jalan poros di desa Lapeo rusak")
    second = phoned("Ada perkelahian antar warga di desa Lapeo soal jalan poros")
    result = app.test_cli_runner().invoke(cli, ["tickets", "show", second, "--json"])
    data = json.loads(result.output)
    assert data["flags"]["event_alarm"]["kind"] == "konflik_kekerasan"
    assert data["flags"]["early_warning"] == []
    assert [d["number"] for d in data["flags"]["possible_duplicates"]] == [first]
    assert data["flags"]["repeat_caller"] is False
    assert data["location"]["desa"] == "Lapeo"
