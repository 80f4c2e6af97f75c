"""The dashboard page, the downloads and who may open them."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.agents.conftest import pokja_named, reload
from tickets.clock import utcnow
from tickets.models import Classification, Status, Ticket


def _total(page: str) -> int:
    found = re.search(r'id="total-received">(\d+)<', page)
    assert found, page[:2000]
    return int(found.group(1))


@pytest.fixture
def three(make_ticket, db):
    """Two PUPR tickets (one forwarded, one anonim and rahasia answered), one DINKES."""
    a = make_ticket(Status.FORWARDED, title="Jalan rusak", lapor_tracking_id="LAP-2026-001")
    b = make_ticket(Status.ANSWERED, anonim=True, rahasia=True,
                    description="Kepala desa meminta pungutan liar.")
    c = make_ticket(Status.FORWARDED, code="DINKES",
                    classification=Classification.PERMINTAAN_INFORMASI)
    db.commit()
    return a, b, c


def test_the_dashboard_counts_match_sql_over_the_same_range(supervisor, three, db):
    response = supervisor.get("/console/dasbor")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _total(page) == db.scalar(select(func.count()).select_from(Ticket).where(
        Ticket.created_at >= utcnow() - timedelta(days=31))) == 3
    assert page.count('<svg role="img"') == 9  # 8 figures and the alarms per kecamatan
    assert "<title" in page and "<desc" in page and "Tabel angka" in page


@pytest.mark.parametrize("preset", ["30hari", "bulan-ini", "bulan-lalu", "tahun-ini"])
def test_every_preset_renders(supervisor, three, preset):
    assert supervisor.get(f"/console/dasbor?preset={preset}").status_code == 200


def test_a_bad_filter_is_told_in_indonesian_and_the_page_still_renders(supervisor, three):
    response = supervisor.get("/console/dasbor?date_from=2026-13-01&channel=fax")
    assert response.status_code == 422
    assert "Tanggal harus berformat" in response.get_data(as_text=True)


def test_admins_see_the_dashboard_and_operators_do_not(admin, operator):
    assert admin.get("/console/dasbor").status_code == 200
    assert operator.get("/console/dasbor").status_code == 403
    assert operator.get("/console/ekspor-lapor").status_code == 403
    assert operator.get("/console/laporan-bulanan").status_code == 403


def test_a_pokja_sees_only_its_own_figures_even_when_asking_for_another(pokja, three, db):
    dinkes = pokja_named(db, "DINKES")
    page = pokja.get(f"/console/dasbor?pokja_id={dinkes.id}").get_data(as_text=True)
    assert _total(page) == 2
    assert "Pokja Kesehatan" not in page


def test_a_pokja_exports_only_its_own_tickets(pokja2, three):
    rows = _csv(pokja2.get("/console/ekspor-lapor?format=csv").get_data())
    assert [r["Instansi Tujuan"] for r in rows] == ["Pokja Kesehatan (Dinas Kesehatan)"]
    queue = _csv(pokja2.get("/console/antrean.csv?status=semua").get_data())
    assert len(queue) == 1


def _csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so Excel reads it as UTF-8"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_queue_csv_keeps_the_queue_filters(operator, three, db):
    response = operator.get("/console/antrean.csv?status=forwarded")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = _csv(response.get_data())
    assert {r["Status"] for r in rows} == {"Diteruskan ke pokja"}
    assert len(rows) == 2
    assert list(rows[0])[:3] == ["Nomor tiket", "Diterima (WIB)", "Status"]


def test_the_lapor_export_hides_anonim_reporters_and_rahasia_text(supervisor, three):
    a, b, c = three
    rows = {r["Nomor Tiket"]: r for r in _csv(
        supervisor.get("/console/ekspor-lapor?format=csv").get_data())}
    assert rows[a.number]["Nama Pelapor"] == "Budi Santoso"
    assert rows[a.number]["Judul"] == "Jalan rusak"
    assert rows[a.number]["ID Pelacakan LAPOR!"] == "LAP-2026-001"
    assert rows[a.number]["Status"] == "Verifikasi"
    secret = rows[b.number]
    assert secret["Nama Pelapor"] == "" and secret["Telepon Pelapor"] == ""
    assert secret["Isi Laporan"] == "(rahasia)" and secret["Tindak Lanjut"] == "(rahasia)"
    assert (secret["Anonim"], secret["Rahasia"], secret["Status"]) == ("Ya", "Ya", "Selesai")
    assert rows[c.number]["Klasifikasi"] == "Permintaan informasi"
    xlsx = supervisor.get("/console/ekspor-lapor?format=xlsx").get_data()
    sheet = load_workbook(io.BytesIO(xlsx)).active
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v]
    assert "Budi Santoso" in cells and "Kepala desa meminta pungutan liar." not in cells


def test_the_monthly_report_xlsx_totals_match(supervisor, three, db):
    month = f"{utcnow() + timedelta(hours=7):%Y-%m}"
    response = supervisor.get(f"/console/laporan-bulanan?month={month}&format=xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.get_data()))
    assert wb.sheetnames == ["Ringkasan", "Per kategori", "Per pokja", "Lewat batas"]
    summary = wb["Ringkasan"]
    assert summary["A1"].value == "Pemerintah Kabupaten Uji"
    assert "Laporan bulanan pengelolaan pengaduan" in summary["A2"].value
    values = {r[0]: r[1] for r in summary.iter_rows(min_row=6, values_only=True) if r[0]}
    assert values["Pengaduan diterima"] == 3
    per_category = list(wb["Per kategori"].iter_rows(min_row=2, values_only=True))
    assert sum(r[1] for r in per_category) == 3
    per_pokja = list(wb["Per pokja"].iter_rows(min_row=2, values_only=True))
    assert sum(r[1] for r in per_pokja) == 3
    page = supervisor.get(f"/console/laporan-bulanan?month={month}").get_data(as_text=True)
    assert 'id="m-total">3<' in page and "Pemerintah Kabupaten Uji" in page
    assert supervisor.get("/console/laporan-bulanan?month=2026-13").status_code == 422


def test_an_operator_sets_the_lapor_fields_with_the_version_and_finds_the_ticket(
        operator, three, db):
    a = three[0]
    response = operator.post(f"/console/tiket/{a.number}/lapor", {
        "classification": "aspirasi", "title": "Perbaikan jalan",
        "lapor_tracking_id": "LAP-2026-777"})
    assert response.status_code == 302
    ticket = reload(db, a)
    assert (ticket.classification, ticket.title, ticket.lapor_tracking_id) == (
        Classification.ASPIRASI, "Perbaikan jalan", "LAP-2026-777")
    page = operator.get("/console/antrean?status=semua&q=LAP-2026-777").get_data(as_text=True)
    assert a.number in page
    stale = operator.post(f"/console/tiket/{a.number}/lapor", {
        "classification": "pengaduan", "title": "", "lapor_tracking_id": "",
        "version": "1"})
    assert stale.status_code == 409
    bad = operator.post(f"/console/tiket/{a.number}/lapor", {
        "classification": "pengaduan", "title": "", "lapor_tracking_id": "<script>"})
    assert bad.status_code == 422 and "ID pelacakan LAPOR!" in bad.get_data(as_text=True)


def test_a_pokja_cannot_change_the_lapor_fields(pokja, three):
    response = pokja.post(f"/console/tiket/{three[0].number}/lapor", {
        "classification": "aspirasi", "title": "x", "lapor_tracking_id": ""})
    assert response.status_code == 403


def test_the_reporters_rating_reaches_the_satisfaction_chart(supervisor, pokja2, three, db):
    from feedback.models import FeedbackChannel
    from feedback.replies import confirm_fixed, rate

    answered = reload(db, three[1])
    confirm_fixed(db, answered, channel=FeedbackChannel.PHONE, tz="Asia/Jakarta")
    rate(db, answered, 4)
    db.commit()
    page = supervisor.get("/console/dasbor").get_data(as_text=True)
    assert "Kepuasan pelapor per pokja" in page
    assert "Pokja Infrastruktur (Dinas PUPR) 4.0" in page
    assert "Pokja Infrastruktur" not in pokja2.get("/console/dasbor").get_data(as_text=True)


def _placed(db, three):  # type: ignore[no-untyped-def]
    """Tickets a and c placed in two kecamatan of the demo gazetteer (b has no place)."""
    from analytics.demo import seed_places
    from analytics.models import Place, PlaceKind, TicketPlace

    seed_places(db)
    kec = {}
    for ticket, desa_name in ((three[0], "Lapeo"), (three[2], "Mombi")):
        desa = db.scalars(select(Place).where(Place.kind == PlaceKind.DESA,
                                              Place.name == desa_name)).one()
        db.add(TicketPlace(ticket_id=ticket.id, kecamatan=desa.parent, desa=desa,
                           source="operator"))
        kec[desa_name] = desa.parent_id
    db.commit()
    return kec


def test_the_dashboard_filters_by_kecamatan(supervisor, three, db):
    kec = _placed(db, three)
    page = supervisor.get(f"/console/dasbor?kecamatan_id={kec['Lapeo']}").get_data(
        as_text=True)
    assert _total(page) == 1 and 'name="kecamatan_id"' in page
    assert f'value="{kec["Lapeo"]}" selected' in page
    # The preset links keep the filter.
    assert f"kecamatan_id={kec['Lapeo']}" in page.split('class="presets"')[1].split("</nav>")[0]
    both = supervisor.get(f"/console/dasbor?kecamatan_id={kec['Mombi']}&channel=phone")
    assert _total(both.get_data(as_text=True)) == 0
    assert _total(supervisor.get(f"/console/dasbor?kecamatan_id={kec['Mombi']}")
                  .get_data(as_text=True)) == 1
    assert _total(supervisor.get("/console/dasbor").get_data(as_text=True)) == 3
    bad = supervisor.get("/console/dasbor?kecamatan_id=x")
    assert bad.status_code == 422 and "Kecamatan tidak dikenal" in bad.get_data(as_text=True)


def test_the_queue_csv_keeps_the_kecamatan_filter(operator, three, db):
    kec = _placed(db, three)
    rows = _csv(operator.get(f"/console/antrean.csv?status=forwarded&kecamatan_id="
                             f"{kec['Mombi']}").get_data())
    assert [r["Nomor tiket"] for r in rows] == [three[2].number]
    assert operator.get("/console/antrean.csv?kecamatan_id=x").status_code == 422
