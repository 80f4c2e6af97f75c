"""Trusted community reporters: registered by the admin, recognised on a new ticket
from their number (area filled in, shown to the operator), weighed more in the early
warning, counted by area and reporter, deactivated with their history kept."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from notify.models import OutboxMessage
from reporters import services
from reporters.models import ReporterRole, TrustedReport, TrustedReporter
from tests.agents.conftest import reload, user_named
from tests.reporters.conftest import desa_named
from tickets.errors import InvalidInput
from tickets.lifecycle import SYSTEM
from tickets.models import Channel, TicketEvent
from tickets.services import create_ticket

MADATTE = "RT 004/RW 002, Desa/Kel. Madatte, Kecamatan Polewali"


def _rt(db) -> services.ReporterForm:  # type: ignore[no-untyped-def]
    return services.ReporterForm(phone="0813-4567-8901", name="Pak Darman", role="ketua_rt",
                                 desa_id=desa_named(db, "Madatte"), rt="4", rw="2")


def _register(db, form: services.ReporterForm | None = None) -> TrustedReporter:
    reporter = services.register(db, user_named(db, "admin"), form or _rt(db))
    db.commit()
    return reporter


def _file(db, phone: str, text: str = "Jalan di lingkungan kami berlubang.", **extra):
    ticket = create_ticket(db, channel=Channel.PHONE_AGENT, actor=SYSTEM, tz="Asia/Makassar",
                           reporter_phone=phone, description=text, **extra)
    db.commit()
    return ticket


def test_the_admin_registers_a_reporter_by_phone_and_area(admin, db):
    response = admin.post("/console/admin/pelapor", {
        "phone": "0813-4567-8901", "name": "Pak Darman", "role": "ketua_rt",
        "desa_id": str(desa_named(db, "Madatte")), "rt": "4", "rw": "2"},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "terdaftar sebagai pelapor terpercaya" in page
    reporter = db.scalars(select(TrustedReporter).where(
        TrustedReporter.name == "Pak Darman")).one()
    assert reporter.phone == "+6281345678901" and reporter.role is ReporterRole.KETUA_RT
    assert reporter.area == MADATTE and reporter.desa == "Madatte"
    # The same number twice, a wrong number, a wrong RT: refused beside the field.
    for data, message in (({"phone": "+62 813 4567 8901"}, "sudah terdaftar"),
                          ({"phone": "12"}, "tidak valid"), ({"rt": "A1"}, "RT/RW")):
        response = admin.post("/console/admin/pelapor", {
            "phone": "0813-4567-8902", "name": "Bu Ani", "role": "ketua_rw",
            "desa_id": str(desa_named(db, "Lantora")), "rt": "", "rw": "1", **data})
        assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_only_the_admin_registers_reporters(supervisor, operator, db):
    assert operator.get("/console/admin/pelapor").status_code == 403
    assert supervisor.get("/console/admin/pelapor").status_code == 403
    assert operator.get("/console/pelapor").status_code == 403


def test_a_ticket_from_a_trusted_number_is_marked_with_its_area(db, operator):
    reporter = _register(db)
    ticket = _file(db, "+6281345678901")
    report = db.scalars(select(TrustedReport)).one()
    assert (report.ticket_id, report.reporter_id) == (ticket.id, reporter.id)
    ticket = reload(db, ticket)
    assert ticket.location == MADATTE
    assert ticket.reporter_name == "Pak Darman"
    assert db.scalars(select(TicketEvent).where(
        TicketEvent.kind == "pelapor_terpercaya")).one().note.startswith("Dari pelapor")
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Pelapor terpercaya:" in page and "Ketua RT Pak Darman" in page


def test_a_location_the_reporter_gave_is_kept(db):
    _register(db)
    ticket = _file(db, "+6281345678901", location="Depan masjid raya")
    assert reload(db, ticket).location == "Depan masjid raya"
    assert db.scalar(select(func.count()).select_from(TrustedReport)) == 1


def test_other_numbers_are_not_marked(db):
    _register(db)
    _file(db, "+6281234567890")
    assert db.scalars(select(TrustedReport)).all() == []


def test_a_trusted_report_weighs_more_in_the_early_warning(db):
    _register(db)
    text = "Banyak warga diare sejak kemarin setelah minum air sumur."  # model: high
    ordinary = _file(db, "+6281234567890", text)
    trusted = _file(db, "+6281345678901", text)
    subjects = {m.ticket_id: m.subject for m in db.scalars(select(OutboxMessage).where(
        OutboxMessage.event == "early_warning", OutboxMessage.channel == "email"))}
    assert "· tinggi]" in subjects[ordinary.id]
    assert "· kritis · pelapor terpercaya]" in subjects[trusted.id]
    body = db.scalars(select(OutboxMessage).where(
        OutboxMessage.ticket_id == trusted.id, OutboxMessage.event == "early_warning")).first()
    assert "Ketua RT Pak Darman" in body.body


def test_a_deactivated_reporter_is_no_longer_marked_and_keeps_their_history(db, admin):
    reporter = _register(db)
    first = _file(db, "+6281345678901")
    admin.post("/console/admin/pelapor", {"action": "nonaktif", "reporter_id": reporter.id,
                                        "konfirmasi": "ya"})
    db.expire_all()
    assert reload(db, first) and not db.get(TrustedReporter, reporter.id).active
    _file(db, "+6281345678901")
    assert [r.ticket_id for r in db.scalars(select(TrustedReport))] == [first.id]
    page = admin.get("/console/admin/pelapor").get_data(as_text=True)
    assert "nonaktif sejak" in page
    # Registering the number again brings the reporter back, with the same history.
    again = _register(db)
    assert again.id == reporter.id and again.active
    with_history = dict((r.id, n) for r, n in services.list_reporters(
        db, user_named(db, "admin")))
    assert with_history[reporter.id] == 1


def test_the_supervisor_sees_reports_by_area_and_by_reporter(db, supervisor):
    _register(db)
    _register(db, services.ReporterForm(phone="081345678902", name="Bu Ani",
                                        role="kepala_dusun",
                                        desa_id=desa_named(db, "Lantora")))
    for phone in ("+6281345678901", "+6281345678901", "+6281345678902"):
        _file(db, phone)
    assert [(a.desa, a.kecamatan, a.reports) for a in services.by_area(
        db, user_named(db, "supervisor"))] == [("Madatte", "Polewali", 2),
                                               ("Lantora", "Polewali", 1)]
    page = supervisor.get("/console/pelapor").get_data(as_text=True)
    assert "Per wilayah" in page and "Madatte" in page
    assert "Kepala dusun Bu Ani (Desa/Kel. Lantora, Kecamatan Polewali)" in page


def test_the_registry_is_checked_on_the_server(db):
    with pytest.raises(InvalidInput):
        services.register(db, user_named(db, "admin"), services.ReporterForm(
            phone="0813-4567-8903", name="X", role="lurah",
            desa_id=desa_named(db, "Lantora")))
