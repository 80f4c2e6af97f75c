"""The gazetteer: finding places in text (misheard, multi-word, common-word names), the
CSV import (console and CLI), the operator's correction and the kecamatan filter."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from analytics.demo import DEMO_PLACES
from analytics.models import Place, PlaceKind
from analytics.places import AUTO, OPERATOR, REPORTER, find_place, write_place
from hotline.cli import cli
from tests.agents.conftest import Agent, sign_in
from tests.analytics.conftest import ticket_of
from tickets.lifecycle import SYSTEM
from tickets.models import Channel
from tickets.services import create_ticket


def found(db, text: str) -> tuple[str | None, str | None]:  # type: ignore[no-untyped-def]
    f = find_place(db, text)
    if f is None:
        return None, None
    return (f.kecamatan.name if f.kecamatan else None, f.desa.name if f.desa else None)


def test_the_demo_ships_polewali_mandar(db):
    assert db.scalar(select(func.count()).where(Place.kind == PlaceKind.KECAMATAN)) == 16
    assert db.scalar(select(func.count()).where(Place.kind == PlaceKind.DESA)) == 167


@pytest.mark.parametrize("text, where", [
    ("jalan di desa Lapeo rusak", ("Campalagian", "Lapeo")),
    ("Saya warga Sidorejo, lampu jalan mati", ("Wonomulyo", "Sidorejo")),
    ("saya dari desa Sido Rejo", ("Wonomulyo", "Sidorejo")),         # two words for one
    ("kami di desa Sidoreja kecamatan Wonomulyo", ("Wonomulyo", "Sidorejo")),  # misheard
    ("di desa Padang Timur ada banjir", ("Campalagian", "Padang Timur")),  # longer name
    ("desa Pao Pao di kecamatan Allu", ("Alu", "Pao Pao")),            # an alias
    ("di kecamatan Tinambung jalannya rusak", ("Tinambung", None)),
    ("desa Baru kecamatan Luyo", ("Luyo", "Baru")),                   # a common word, cued
])
def test_places_are_found_as_callers_say_and_recognisers_write_them(db, text, where):
    assert found(db, text) == where


@pytest.mark.parametrize("text", [
    "baru saja jalan rusak lagi",         # Baru is a desa, but here a word
    "batu besar menutup jalan",
    "buku pelajaran belum dibagikan",
    "jalan di desa Sukamaju rusak",        # not in this regency
])
def test_common_words_and_unknown_names_are_not_places(db, text):
    assert found(db, text) == (None, None)


def test_a_desa_named_in_the_transcript_fills_the_location(phoned, db):
    number = phoned("Jalan di desa Katumbangan rusak parah dan berlubang")
    ticket = ticket_of(db, number)
    assert ticket.location == "Desa/Kel. Katumbangan, Kecamatan Campalagian"


@pytest.fixture
def operator(app) -> Agent:  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, "operator")
    return Agent(client, "operator")


@pytest.fixture
def admin(app) -> Agent:  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, "admin")
    return Agent(client, "admin")


def test_the_operator_corrects_the_location_and_the_queue_filters_by_kecamatan(
        phoned, db, operator):
    number = phoned("Jalan di desa Lapeo rusak")
    other = phoned("Lampu mati di kelurahan Polewali", phone="+6281299990001")
    page = operator.get(f"/console/tiket/{number}").get_data(as_text=True)
    assert "Desa/Kel. Lapeo" in page and "dari teks" in page
    luyo = db.scalar(select(Place).where(Place.name == "Luyo", Place.kind == PlaceKind.KECAMATAN))
    mambu = db.scalar(select(Place).where(Place.name == "Mambu"))
    response = operator.post(f"/console/tiket/{number}/lokasi",
                             {"kecamatan_id": str(luyo.id), "desa_id": str(mambu.id)})
    assert response.status_code == 302
    ticket = ticket_of(db, number)
    assert ticket.location == "Desa/Kel. Mambu, Kecamatan Luyo"
    assert "dikoreksi operator" in operator.get(f"/console/tiket/{number}").get_data(
        as_text=True)
    page = operator.get(f"/console/antrean?kecamatan_id={luyo.id}").get_data(as_text=True)
    assert number in page and other not in page
    # A later text does not override the operator's choice.
    assert ticket_of(db, number).location == "Desa/Kel. Mambu, Kecamatan Luyo"


def test_a_stale_location_form_is_refused(phoned, db, operator):
    number = phoned("Jalan di desa Lapeo rusak")
    response = operator.post(f"/console/tiket/{number}/lokasi",
                             {"kecamatan_id": "", "desa_id": "", "version": "1"})
    assert response.status_code == 302
    assert "Lapeo" in ticket_of(db, number).location


def test_a_desa_outside_the_chosen_kecamatan_is_refused(phoned, db, operator):
    number = phoned("Jalan di desa Lapeo rusak")
    luyo = db.scalar(select(Place).where(Place.name == "Luyo", Place.kind == PlaceKind.KECAMATAN))
    lapeo = db.scalar(select(Place).where(Place.name == "Lapeo"))
    operator.post(f"/console/tiket/{number}/lokasi",
                  {"kecamatan_id": str(luyo.id), "desa_id": str(lapeo.id)})
    assert "tidak berada di Kecamatan Luyo" in operator.get(
        f"/console/tiket/{number}").get_data(as_text=True)


def test_the_admin_imports_a_csv_and_adds_a_place(admin, db):
    csv = (b"kecamatan,desa,kode_pos,alias\n"
           b"Cibeber,Sukamaju,43262,Suka Maju\nCibeber,Sukarame,43262,\n")
    from io import BytesIO

    response = admin.post("/console/admin/wilayah", {
        "action": "impor", "file": (BytesIO(csv), "wilayah.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert found(db, "jalan di desa Suka Maju rusak") == ("Cibeber", "Sukamaju")
    admin.post("/console/admin/wilayah", {"name": "Cimanggu", "parent_id": "",
                                          "active": "1"})
    assert db.scalar(select(Place).where(Place.name == "Cimanggu")).kind is PlaceKind.KECAMATAN


def test_a_csv_with_a_bad_row_imports_nothing(admin, db):
    from io import BytesIO

    csv = "kecamatan,desa,kode_pos,alias\nCibeber,Sukamaju,43262,\nCibeber,Sukarame,12,\n"
    response = admin.post("/console/admin/wilayah", {
        "action": "impor", "file": (BytesIO(csv.encode()), "wilayah.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "baris 3: Kode pos terdiri dari 5 angka." in response.get_data(as_text=True)
    assert db.scalar(select(Place).where(Place.name == "Sukamaju")) is None


def test_hotline_places_import_reads_a_csv_and_the_shipped_one_again(app, db, tmp_path):
    extra = tmp_path / "tambahan.csv"
    extra.write_text("kecamatan,desa,kode_pos,alias\nCibeber,Sukamaju,43262,\n")
    result = app.test_cli_runner().invoke(cli, ["places", "import", str(extra)])
    assert "places imported: 2 added, 0 updated" in result.output, result.output
    again = app.test_cli_runner().invoke(cli, ["places", "import", str(DEMO_PLACES)])
    assert "0 added, 167 updated" in again.output, again.output
    bad = tmp_path / "salah.csv"
    bad.write_text("nama\nCibeber\n")
    refused = app.test_cli_runner().invoke(cli, ["places", "import", str(bad)])
    assert refused.exit_code == 1 and "judul kolom" in refused.output


@pytest.mark.parametrize("first, then, kept", [
    (AUTO, REPORTER, REPORTER),      # the reporter's desa replaces a place from the text
    (REPORTER, AUTO, REPORTER),      # ... and a text does not replace it
    (OPERATOR, REPORTER, OPERATOR),  # the operator's choice stays against both
    (OPERATOR, AUTO, OPERATOR),
    (REPORTER, OPERATOR, OPERATOR),  # and replaces either
    (AUTO, OPERATOR, OPERATOR),
])
def test_a_place_is_replaced_only_by_a_source_of_the_same_or_a_higher_rank(
        db, first, then, kept):
    ticket = create_ticket(db, channel=Channel.PHONE_AGENT, actor=SYSTEM, tz="Asia/Jakarta",
                           description="Lampu jalan mati.")
    lapeo = db.scalar(select(Place).where(Place.name == "Lapeo"))
    mambu = db.scalar(select(Place).where(Place.name == "Mambu"))
    desa = {first: lapeo, then: mambu}
    write_place(db, ticket, lapeo.parent, lapeo, source=first)
    db.flush()
    place = write_place(db, ticket, mambu.parent, mambu, source=then)
    assert (place.source, place.desa) == (kept, desa[kept])
