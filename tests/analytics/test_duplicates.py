"""Possible duplicates (same number, or same place and a similar text, within 14 days),
repeat callers, and the one-click marking through the existing duplicate decision."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from analytics import flags
from analytics.duplicates import similar, similarity
from analytics.models import DuplicateCandidate
from notify.models import OutboxMessage
from tests.agents.conftest import Agent, sign_in
from tests.analytics.conftest import ticket_of
from tickets.clock import utcnow
from tickets.models import RejectReason, Status

# Labelled pairs (written for this test): the same complaint told twice, and different
# complaints from the same place. The thresholds of analytics.duplicates hold on them.
SAME = [
    ("Jalan poros di desa Lapeo rusak parah, banyak lubang besar",
     "Lubang besar di jalan poros Lapeo belum diperbaiki, jalannya rusak"),
    ("Lampu jalan depan masjid mati sudah seminggu",
     "Sudah satu minggu lampu jalan di depan masjid tidak menyala, mati total"),
    ("Sampah menumpuk di pasar tidak diangkut tiga hari",
     "Tolong sampah di pasar diangkut, sudah menumpuk berhari-hari"),
    ("Air PDAM keruh dan berbau di rumah warga",
     "air pdam di rumah kami keruh sekali dan bau"),
]
DIFFERENT = [
    ("Jalan poros di desa Lapeo rusak parah", "Puskesmas Lapeo kekurangan obat"),
    ("Lampu jalan depan masjid mati", "Guru SD sering tidak masuk kelas"),
    ("Sampah menumpuk di pasar", "KTP saya belum jadi sudah tiga bulan"),
    ("Air PDAM keruh", "Jembatan kayu di dusun lapuk dan berbahaya"),
]


def test_similarity_separates_the_labelled_pairs():
    for a, b in SAME:
        assert similar(a, b), (a, b, similarity(a, b))
    for a, b in DIFFERENT:
        assert not similar(a, b), (a, b, similarity(a, b))


def test_a_second_complaint_from_the_same_number_is_offered_as_a_duplicate(phoned, db):
    first = phoned("Jalan poros ke sekolah di desa Lapeo rusak berat")
    second = phoned("Saya lapor lagi, jalan poros ke sekolah masih rusak")
    data = flags.as_json(db, ticket_of(db, second))["flags"]
    assert data["possible_duplicates"] == [{"number": first, "reason": "same_reporter",
                                            "reason_label": "nomor pelapor sama",
                                            "score": None}]
    assert flags.as_json(db, ticket_of(db, first))["flags"]["possible_duplicates"] == []


def test_the_same_place_and_a_similar_text_from_another_number_is_a_candidate(phoned, db):
    first = phoned("Jalan poros di desa Lapeo rusak parah, banyak lubang besar",
                   phone="+6281211110001")
    other = phoned("Puskesmas di desa Lapeo kekurangan obat", phone="+6281211110002")
    second = phoned("Lubang besar di jalan poros desa Lapeo belum diperbaiki",
                    phone="+6281211110003")
    found = flags.as_json(db, ticket_of(db, second))["flags"]["possible_duplicates"]
    assert [d["number"] for d in found] == [first]
    assert found[0]["reason"] == "same_place_text" and found[0]["score"] >= 0.5
    assert other not in [d["number"] for d in found]


def test_candidates_are_looked_for_within_14_days_only(phoned, db, runtime):
    first = phoned("Jalan rusak di Lapeo")
    with runtime.transaction() as session:
        ticket_of(session, first).created_at = utcnow() - timedelta(days=15)
    second = phoned("Jalan rusak di Lapeo lagi")
    assert flags.as_json(db, ticket_of(db, second))["flags"]["possible_duplicates"] == []


def test_a_third_ticket_within_30_days_flags_a_repeat_caller(phoned, db):
    numbers = [phoned(f"keluhan nomor {i} tentang lampu jalan") for i in range(3)]
    repeat = [flags.as_json(db, ticket_of(db, n))["flags"]["repeat_caller"] for n in numbers]
    assert repeat == [False, False, True]


@pytest.fixture
def operator(app) -> Agent:  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, "operator")
    return Agent(client, "operator")


def test_one_click_marks_the_duplicate_and_the_reporter_hears_the_original(
        phoned, db, operator):
    first = phoned("Jalan poros di Lapeo rusak")
    second = phoned("Jalan poros di Lapeo masih rusak")
    page = operator.get(f"/console/tiket/{second}").get_data(as_text=True)
    assert f"Mungkin duplikat dari <a href=\"/console/tiket/{first}\">{first}</a>" in page
    assert f"Tandai duplikat dari {first}" in page
    response = operator.post(f"/console/tiket/{second}/duplikat", {"original": first})
    assert response.status_code == 302
    ticket = ticket_of(db, second)
    assert ticket.status is Status.REJECTED and ticket.reject_reason is RejectReason.DUPLICATE
    sms = db.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id,
                                                 OutboxMessage.channel == "sms")).one()
    assert first in sms.body
    # The offer is gone once decided; the candidate row stays for the record.
    assert "Tandai duplikat dari" not in operator.get(
        f"/console/tiket/{second}").get_data(as_text=True)
    assert db.scalars(select(DuplicateCandidate)).all()
