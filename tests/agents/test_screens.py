"""Every screen, every word: the ticket history in Indonesian, headings that read naturally,
no days left on an answered ticket, medians in minutes, export times named WIB/WITA/WIT,
the queue's CSV linked, phone fields typed as phones, a desa list that follows its
kecamatan, and destructive admin actions that ask first."""

from __future__ import annotations

import ast
import csv
import html
import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from agents.rows import HISTORY_LABELS
from analytics.models import KeywordGroup
from desk import services as desk_services
from escalation import services as escalation
from feedback import replies
from reporting import monthly, tickets_csv
from reporting.dashboard import working_time
from tests.agents.conftest import user_named
from tickets.lifecycle import SYSTEM, record_event
from tickets.models import Channel, Status
from tickets.queue import Filters

ROOT = Path(__file__).resolve().parents[2]
# The product's packages (a folder with __init__.py), never a virtualenv beside them.
PRODUCT = [p for package in ROOT.glob("*/__init__.py")
           if package.parent.name not in {"tests", "benchmarks", "devtools", "migrations"}
           for p in package.parent.rglob("*.py")]
# Kinds named by a module constant where they are recorded.
CONSTANTS = {"EVENT_KIND": escalation.EVENT_KIND, "DISPOSITION_KIND": escalation.DISPOSITION_KIND,
             "KIND": desk_services.KIND}
STATUS_KINDS = {"transition", "created"}  # named by their status


def _recorded_kinds() -> set[str]:
    kinds: set[str] = set()
    for path in PRODUCT:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "record_event"
                    and len(node.args) > 3):
                arg = node.args[3]
                if isinstance(arg, ast.Constant):
                    kinds.add(arg.value)
                elif isinstance(arg, ast.Name):
                    kinds.add(CONSTANTS[arg.id])  # a KeyError names a kind to add above
    return kinds


def test_the_scan_finds_the_recorded_kinds():
    assert {"note", "edit", "feedback", "eskalasi", "disposisi", "partner",
            "transition", "created"} <= _recorded_kinds()
    assert replies  # the reporter's feedback records "feedback" (imported: it exists)


@pytest.mark.parametrize("kind", sorted(_recorded_kinds() - STATUS_KINDS))
def test_every_kind_of_history_line_has_an_indonesian_label(kind):
    assert kind in HISTORY_LABELS


def test_a_whatsapp_ticket_was_received_not_recorded(operator, make_ticket, db):
    ticket = make_ticket(Status.RECORDED, channel=Channel.WHATSAPP)
    record_event(db, ticket, SYSTEM, "created", to_status=Status.RECORDED)
    record_event(db, ticket, SYSTEM, "transition", from_status=Status.RECORDED,
                 to_status=Status.AWAITING_VERIFICATION)
    record_event(db, ticket, SYSTEM, "manual_reply", "Balasan ditempel.")
    db.commit()
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    history = page[page.index("<h2>Riwayat</h2>"):]
    assert "Pesan diterima" in history and "(dari Pesan diterima)" in history, history
    assert "Terekam" not in history and "Balasan manual" in history
    ticket.status = Status.RECORDED
    db.commit()
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert '<span class="badge s-recorded">Pesan diterima</span>' in page
    queue = operator.get("/console/antrean").get_data(as_text=True)
    assert '<span class="badge s-recorded">Pesan diterima</span>' in queue


def test_an_answered_ticket_has_no_days_left(pokja, make_ticket):
    ticket = make_ticket(Status.ANSWERED)
    page = pokja.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "hari kerja lagi" not in page
    inbox = pokja.get("/console/kotak-masuk?lihat=dijawab").get_data(as_text=True)
    assert ticket.number in inbox
    assert "hari kerja lagi" not in inbox


@pytest.mark.parametrize(("hours", "text"), [
    (None, "-"), (0.0, "0 menit"), (0.58, "35 menit"), (0.99, "59 menit"), (1.0, "1 jam"),
    (65.5, "65,5 jam"), (134.04, "134 jam"),
])
def test_a_median_under_an_hour_reads_in_minutes(hours, text):
    assert working_time(hours) == text


@pytest.mark.parametrize(("tz", "zone"), [("Asia/Jakarta", "WIB"), ("Asia/Makassar", "WITA"),
                                          ("Asia/Jayapura", "WIT")])
def test_exports_name_the_agencys_zone_not_utc(supervisor, db, make_ticket, tz, zone):
    make_ticket()
    db.commit()
    data = tickets_csv.tickets_csv(db, user_named(db, "supervisor"),
                                   Filters(statuses=(Status.AWAITING_VERIFICATION,)), tz=tz)
    head = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert f"Diterima ({zone})" in head and f"Batas verifikasi ({zone})" in head
    report = monthly.build_monthly(db, user_named(db, "supervisor"),
                                   monthly.parse_month("2026-11"), tz=tz, agency="Kab. Uji")
    sheet = openpyxl.load_workbook(io.BytesIO(monthly.monthly_xlsx(report)))["Ringkasan"]
    lines = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    made = next(line for line in lines if "dibuat" in line)
    assert made.endswith(zone) and "UTC" not in made


def test_the_queue_links_its_csv_with_its_filters(operator):
    page = operator.get("/console/antrean?status=semua").get_data(as_text=True)
    assert 'id="antrean-csv" href="/console/antrean.csv?status=semua"' in page
    response = operator.get("/console/antrean.csv?status=semua")
    assert response.status_code == 200 and response.mimetype == "text/csv"


@pytest.mark.parametrize(("path", "name"), [
    ("/console/admin/pokja", "whatsapp"), ("/console/admin/mitra", "whatsapp"),
    ("/console/admin/pelapor", "phone"), ("/console/admin/pengaturan", "operator_number"),
    ("/console/admin/pengaturan", "hotline_number"),
])
def test_phone_fields_are_typed_as_phones(admin, path, name):
    page = admin.get(path).get_data(as_text=True)
    fields = [line for line in page.split("<input") if f'name="{name}"' in line]
    assert fields and all('type="tel"' in f for f in fields)


def test_the_desk_intake_phone_field_is_a_phone(operator):
    page = operator.get("/console/pengaduan-baru").get_data(as_text=True)
    field = next(line for line in page.split("<input") if 'name="reporter_phone"' in line)
    assert 'type="tel"' in field


def test_the_desa_list_declares_the_kecamatan_it_follows(operator, make_ticket):
    ticket = make_ticket()
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert 'name="desa_id" data-follows="kecamatan_id"' in page
    assert 'data-kecamatan="' in page and "places.js" in page


def test_the_conversation_heading_reads_naturally(operator, make_ticket):
    ticket = make_ticket(channel=Channel.PHONE)
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Percakapan (" not in page


# --- destructive admin actions ask first -------------------------------------------------

def test_revoking_an_api_key_asks_first_and_keeps_the_key_until_confirmed(admin, db):
    made = admin.post("/console/admin/kunci-api", {"label": "Aplikasi desa"})
    assert made.status_code == 200
    key_id = db.scalar(select_key_id("Aplikasi desa"))
    asked = admin.post("/console/admin/kunci-api", {"action": "cabut", "key_id": str(key_id)})
    page = html.unescape(asked.get_data(as_text=True))
    assert "Cabut kunci API 'Aplikasi desa'?" in page and "Batal" in page
    assert not _revoked(db, key_id)
    done = admin.post("/console/admin/kunci-api", {"action": "cabut", "key_id": str(key_id),
                                                   "konfirmasi": "ya"})
    assert done.status_code == 302 and _revoked(db, key_id)


def select_key_id(label: str):  # type: ignore[no-untyped-def]
    from accounts.models import ApiKey

    return select(ApiKey.id).where(ApiKey.label == label)


def _revoked(db, key_id: int) -> bool:  # type: ignore[no-untyped-def]
    from accounts.models import ApiKey

    db.expire_all()
    return db.get(ApiKey, key_id).revoked_at is not None


def test_deleting_a_keyword_group_asks_first(admin, db):
    group = db.scalars(select(KeywordGroup)).first()
    asked = admin.post("/console/admin/deteksi-dini", {
        "group_id": str(group.id), "action": "hapus", "name": group.name})
    assert f"Hapus kelompok kata kunci '{group.name}'?" in html.unescape(
        asked.get_data(as_text=True))
    db.expire_all()
    assert db.get(KeywordGroup, group.id) is not None


def test_deactivating_a_place_asks_first(admin, db):
    from analytics.models import Place, PlaceKind

    desa = db.scalars(select(Place).where(Place.kind == PlaceKind.DESA, Place.active.is_(True))
                      .order_by(Place.id)).first()
    form = {"place_id": str(desa.id), "name": desa.name, "parent_id": str(desa.parent_id)}
    asked = admin.post("/console/admin/wilayah", form)
    assert f"Nonaktifkan wilayah {desa.name}?" in html.unescape(asked.get_data(as_text=True))
    db.expire_all()
    assert db.get(Place, desa.id).active
    assert admin.post("/console/admin/wilayah", {**form, "konfirmasi": "ya"}).status_code == 302
    db.expire_all()
    assert not db.get(Place, desa.id).active


def test_deactivating_a_trusted_reporter_asks_first(admin, db):
    asked = admin.post("/console/admin/pelapor", {"action": "nonaktif", "reporter_id": "1"})
    assert "Nonaktifkan pelapor terpercaya ini?" in asked.get_data(as_text=True)
