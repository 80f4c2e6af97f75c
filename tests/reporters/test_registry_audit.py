"""The trusted-reporter registry's audit trail: every add, edit and deactivation keeps
who made it and what it set, shown to the admin in the console."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from reporters import services
from reporters.models import ADDED, DEACTIVATED, EDITED, ReporterChange, TrustedReporter
from tests.agents.conftest import user_named
from tests.reporters.conftest import desa_named
from tickets.errors import PermissionDenied

FORM = {"action": "daftar", "phone": "0813-4567-8901", "name": "Pak Darman",
        "role": "ketua_rt", "rt": "4", "rw": "2"}


def _form(db, **changes: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {**FORM, "desa_id": str(desa_named(db, "Madatte")), **changes}


def _changes(db) -> list[ReporterChange]:  # type: ignore[no-untyped-def]
    db.expire_all()
    return list(db.scalars(select(ReporterChange).order_by(ReporterChange.id)))


def test_add_edit_and_deactivate_record_the_acting_admin(admin, db):
    admin.post("/console/admin/pelapor", _form(db))
    reporter = db.scalars(select(TrustedReporter)
                          .where(TrustedReporter.name == "Pak Darman")).one()
    response = admin.post("/console/admin/pelapor", _form(
        db, action="ubah", reporter_id=str(reporter.id), rt="5", name="Pak Darman S."),
        follow_redirects=True)
    assert "disimpan" in response.get_data(as_text=True)
    admin.post("/console/admin/pelapor", {"action": "nonaktif",
                                          "reporter_id": str(reporter.id), "konfirmasi": "ya"})
    mine = [c for c in _changes(db) if c.reporter_id == reporter.id]
    who = user_named(db, "admin")
    assert [c.action for c in mine] == [ADDED, EDITED, DEACTIVATED]
    assert {(c.changed_by_id, c.changed_by_label) for c in mine} == {(who.id, who.full_name)}
    assert "RT 004" in mine[1].summary and "RT 005" in mine[1].summary
    assert "Pak Darman S." in mine[1].summary

    page = admin.get("/console/admin/pelapor").get_data(as_text=True)
    history = page.split('id="riwayat-pelapor"')[1]
    for label in ("Didaftarkan", "Diubah", "Dinonaktifkan"):
        assert label in history
    assert who.full_name in history


def test_an_edit_that_changes_nothing_records_nothing(db):
    admin = user_named(db, "admin")
    form = services.ReporterForm(phone="+6281345678901", name="Pak Darman", role="ketua_rt",
                                 desa_id=desa_named(db, "Madatte"), rt="4", rw="2")
    reporter = services.register(db, admin, form)
    services.edit(db, admin, reporter.id, form)
    db.commit()
    assert [c.action for c in _changes(db) if c.reporter_id == reporter.id] == [ADDED]


def test_a_refused_edit_keeps_what_was_typed_and_changes_nothing(admin, db):
    admin.post("/console/admin/pelapor", _form(db))
    admin.post("/console/admin/pelapor", _form(db, phone="0813-4567-8902", name="Bu Ani"))
    ani = db.scalars(select(TrustedReporter).where(TrustedReporter.name == "Bu Ani")).one()
    response = admin.post("/console/admin/pelapor", _form(
        db, action="ubah", reporter_id=str(ani.id), name="Bu Ani Lestari",
        phone="0813-4567-8901"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "sudah dipakai pelapor lain" in page
    assert 'value="Bu Ani Lestari"' in page
    db.expire_all()
    assert db.get(TrustedReporter, ani.id).name == "Bu Ani"  # type: ignore[union-attr]
    assert [c.action for c in _changes(db) if c.reporter_id == ani.id] == [ADDED]


def test_only_the_admin_reads_the_registry_history(db):
    with pytest.raises(PermissionDenied):
        services.history(db, user_named(db, "supervisor"))
