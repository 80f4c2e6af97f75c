"""A trusted reporter's desa/kelurahan is chosen from the gazetteer and stored as a
reference: the form lists it grouped by kecamatan, the server refuses any other value,
the per-desa counts group by it, and a reporter typed before (unmatched by migration
0026) is shown as "perlu dipilih ulang" until the admin chooses their desa."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from analytics.models import Place
from reporters import services
from reporters.models import EDITED, ReporterChange, ReporterRole, TrustedReport, TrustedReporter
from tests.agents.conftest import user_named
from tests.reporters.conftest import desa_named
from tickets.clock import utcnow

FORM = {"action": "daftar", "phone": "0813-4567-8901", "name": "Pak Darman",
        "role": "ketua_rt", "rt": "4", "rw": "2"}


def _legacy(db, desa: str = "Kel Madate", phone: str = "+6281345670001") -> TrustedReporter:  # type: ignore[no-untyped-def]
    """A reporter as registered before the gazetteer choice, their text matched to none."""
    reporter = TrustedReporter(phone=phone, name="Pak Lama", role=ReporterRole.KETUA_RW,
                               desa=desa, active=True, created_at=utcnow())
    db.add(reporter)
    db.flush()
    return reporter


def _report(db, make_ticket, reporter: TrustedReporter) -> None:  # type: ignore[no-untyped-def]
    ticket = make_ticket()
    db.add(TrustedReport(ticket_id=ticket.id, reporter_id=reporter.id, area=reporter.area,
                         desa=reporter.desa, desa_id=reporter.desa_id, created_at=utcnow()))
    db.commit()


def test_the_form_lists_the_gazetteers_desa_grouped_by_kecamatan(admin, db):
    page = admin.get("/console/admin/pelapor").get_data(as_text=True)
    form = page.split('id="pelapor-baru"')[1].split("</form>")[0]
    polewali = re.search(r'<optgroup label="Polewali">(.*?)</optgroup>', form).group(1)  # type: ignore[union-attr]
    assert f'<option value="{desa_named(db, "Madatte")}" >Madatte</option>' in polewali
    assert 'name="desa"' not in form and "belum-ada-wilayah" not in page


def test_a_desa_taken_off_the_list_is_no_longer_offered(admin, db):
    db.execute(update(Place).where(Place.name == "Lantora").values(active=False))
    db.commit()
    page = admin.get("/console/admin/pelapor").get_data(as_text=True)
    assert f'value="{desa_named(db, "Lantora")}"' not in page
    response = admin.post("/console/admin/pelapor", {
        **FORM, "desa_id": str(desa_named(db, "Lantora"))})
    assert response.status_code == 422 and "tidak dikenal" in response.get_data(as_text=True)


def test_the_server_refuses_a_desa_that_is_not_in_the_gazetteer_and_keeps_the_form(admin, db):
    kecamatan = db.scalars(select(Place.id).where(Place.name == "Polewali",
                                                  Place.parent_id.is_(None))).one()
    for desa_id, message in (("", "Pilih desa/kelurahan dari daftar wilayah."),
                             ("999999", "Desa/kelurahan tidak dikenal"),
                             ("abc", "Desa/kelurahan tidak dikenal"),
                             (str(kecamatan), "Desa/kelurahan tidak dikenal")):
        response = admin.post("/console/admin/pelapor", {**FORM, "desa_id": desa_id})
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and message in page
        assert 'value="Pak Darman"' in page and 'value="0813-4567-8901"' in page
    assert db.scalars(select(TrustedReporter).where(TrustedReporter.name == "Pak Darman")
                      ).all() == []


def test_without_desa_in_the_gazetteer_the_form_says_so_and_links_the_places_page(admin, db):
    db.execute(update(Place).values(active=False))
    db.commit()
    page = admin.get("/console/admin/pelapor").get_data(as_text=True)
    notice = page.split('id="belum-ada-wilayah"')[1].split("</p>")[0]
    assert "belum berisi desa/kelurahan" in notice and 'href="/console/admin/wilayah' in notice


def test_changing_the_desa_is_recorded_in_the_registry_history(admin, db):
    admin.post("/console/admin/pelapor", {**FORM, "desa_id": str(desa_named(db, "Madatte"))})
    reporter = db.scalars(select(TrustedReporter).where(
        TrustedReporter.name == "Pak Darman")).one()
    assert reporter.desa_id == desa_named(db, "Madatte")
    admin.post("/console/admin/pelapor", {**FORM, "action": "ubah",
                                          "reporter_id": str(reporter.id),
                                          "desa_id": str(desa_named(db, "Lantora"))})
    db.expire_all()
    assert db.get(TrustedReporter, reporter.id).desa == "Lantora"  # type: ignore[union-attr]
    change = db.scalars(select(ReporterChange).where(
        ReporterChange.reporter_id == reporter.id, ReporterChange.action == EDITED)).one()
    before, after = change.summary.split(" → ")
    assert "Desa/Kel. Madatte" in before and "Desa/Kel. Lantora" in after


def test_reports_count_under_the_desa_however_the_reporters_wrote_it(db, make_ticket):
    admin = user_named(db, "admin")
    madatte = desa_named(db, "Madatte")
    for n, phone in enumerate(("081345670011", "081345670012")):
        reporter = services.register(db, admin, services.ReporterForm(
            phone=phone, name=f"Pelapor {n}", role="linmas", desa_id=madatte))
        _report(db, make_ticket, reporter)
    # A report filed before the choice, its text matched by the migration.
    db.add(TrustedReport(ticket_id=make_ticket().id, reporter_id=reporter.id,
                         area="Kelurahan  MADATTE", desa="Kelurahan  MADATTE",
                         desa_id=madatte, created_at=utcnow()))
    db.commit()
    areas = services.by_area(db, user_named(db, "supervisor"))
    assert [(a.desa, a.kecamatan, a.reports, a.listed) for a in areas] == [
        ("Madatte", "Polewali", 3, True)]


def test_an_unmatched_reporter_is_shown_to_choose_again_and_choosing_files_their_reports(
        admin, supervisor, db, make_ticket):
    reporter = _legacy(db)
    _report(db, make_ticket, reporter)
    page = admin.get("/console/admin/pelapor").get_data(as_text=True)
    table = page.split('id="daftar-pelapor"')[1].split("</table>")[0]
    row = next(r for r in table.split("</tr>") if "Pak Lama" in r)
    assert "Pak Lama" in row and "perlu dipilih ulang" in row and "Kel Madate" in row
    areas = services.by_area(db, user_named(db, "supervisor"))
    assert [(a.desa, a.listed) for a in areas] == [("Kel Madate", False)]
    assert "perlu dipilih ulang" in supervisor.get("/console/pelapor").get_data(as_text=True)

    response = admin.post("/console/admin/pelapor", {
        "action": "ubah", "reporter_id": str(reporter.id), "phone": reporter.phone,
        "name": "Pak Lama", "role": "ketua_rw", "desa_id": str(desa_named(db, "Madatte"))},
        follow_redirects=True)
    assert "disimpan" in response.get_data(as_text=True)
    db.expire_all()
    again = db.get(TrustedReporter, reporter.id)
    assert again is not None and not again.needs_desa and again.desa == "Madatte"
    report = db.scalars(select(TrustedReport).where(
        TrustedReport.reporter_id == reporter.id)).one()
    assert report.desa_id == desa_named(db, "Madatte") and report.area == "Kel Madate"
    assert [(a.desa, a.reports) for a in services.by_area(
        db, user_named(db, "supervisor"))] == [("Madatte", 1)]
    assert "perlu dipilih ulang" not in admin.get("/console/admin/pelapor").get_data(
        as_text=True).split('id="daftar-pelapor"')[1].split("</table>")[0]


def test_the_demo_ketua_rt_is_filed_under_the_demo_gazetteers_desa(db):
    from escalation.demo import RT_PHONE

    hasan = db.scalars(select(TrustedReporter).where(TrustedReporter.phone == RT_PHONE)).one()
    assert hasan.desa_id == desa_named(db, "Matakali") and not hasan.needs_desa
    assert hasan.area == "RT 003/RW 002, Desa/Kel. Matakali, Kecamatan Matakali"


def test_registering_an_unmatched_reporters_number_again_files_their_reports_too(
        db, make_ticket):
    reporter = _legacy(db)
    _report(db, make_ticket, reporter)
    admin = user_named(db, "admin")
    services.deactivate(db, admin, reporter.id)
    again = services.register(db, admin, services.ReporterForm(
        phone=reporter.phone, name="Pak Lama", role="ketua_rw",
        desa_id=desa_named(db, "Madatte")))
    db.commit()
    assert again.id == reporter.id and again.desa == "Madatte"
    assert [(a.desa, a.reports) for a in services.by_area(
        db, user_named(db, "supervisor"))] == [("Madatte", 1)]
