"""The setup checklist (accounts.setup): what a new install lacks, in ``hotline check`` and
the admin console until it is done; a caller told the service is not open yet while no
category exists; the hotline number set in the console; and the warnings about users whom
alerts and digests cannot reach."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select, update

from accounts import setup
from accounts.models import User
from hotline.cli import cli
from tests.agents.conftest import user_named
from tickets.models import Category, Pokja, Role
from tickets.reference import hotline_settings


def _steps(app, db) -> dict[str, setup.SetupStep]:  # type: ignore[no-untyped-def]
    db.expire_all()
    merged = hotline_settings(db, app.extensions["agents"].hotline_defaults)
    return {s.key: s for s in setup.checklist(db, merged)}


def _no_categories(db) -> None:  # type: ignore[no-untyped-def]
    db.execute(update(Category).values(active=False))
    db.commit()


def test_a_new_install_lists_every_missing_step(app, db, empty_database):
    steps = _steps(app, db)
    assert [k for k, s in steps.items() if not s.done] == [
        "categories", "pokja", "users-operator", "users-pokja", "users-supervisor",
        "hotline-number"]
    assert steps["contacts"].done  # nobody to reach yet
    assert "belum dibuka" in steps["categories"].detail


def test_the_demo_misses_only_the_contacts_of_users_nobody_can_reach(app, db):
    steps = _steps(app, db)
    assert steps["categories"].done and steps["pokja"].done
    assert all(steps[f"users-{r.value}"].done for r in setup.REQUIRED_ROLES)
    # The demo's supervisor has no e-mail: the digest and early warnings reach nobody.
    assert not steps["contacts"].done and "Pimpinan" in steps["contacts"].detail
    db.execute(update(User).where(User.role.in_(setup.NOTIFIED_ROLES))
               .values(email="pimpinan@example.go.id"))
    db.commit()
    assert _steps(app, db)["contacts"].done


def test_a_pokja_without_email_or_whatsapp_is_a_missing_contact(app, db):
    db.execute(update(User).values(email="x@example.go.id"))
    db.execute(update(Pokja).where(Pokja.code == "DLH").values(email=None, whatsapp=None))
    db.commit()
    contacts = _steps(app, db)["contacts"]
    assert not contacts.done and "DLH" in contacts.detail


@pytest.mark.parametrize("env_overrides", [{"HOTLINE_NUMBER": ""}])
def test_the_hotline_number_is_set_in_the_console_and_checked(admin, app, db, env_overrides):
    assert not _steps(app, db)["hotline-number"].done
    form = {key: value for key, value in hotline_settings(
        db, app.extensions["agents"].hotline_defaults).items()}
    refused = admin.post("/console/admin/pengaturan", {**form, "hotline_number": "12ab"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="err-hotline_number">Nomor hotline tidak valid.' in page
    assert 'value="12ab"' in page  # what was typed stays
    saved = admin.post("/console/admin/pengaturan", {**form, "hotline_number": "0211500123"})
    assert saved.status_code == 302
    assert _steps(app, db)["hotline-number"].detail == "+62211500123"
    # The public site shows it.
    assert "1500123" in html.unescape(app.test_client().get("/").get_data(as_text=True))


@pytest.mark.parametrize("env_overrides", [{"HOTLINE_NUMBER": "+62215550100"}])
def test_the_env_number_stays_the_default_until_the_console_sets_one(app, db, env_overrides):
    assert _steps(app, db)["hotline-number"].detail == "+62215550100"


def test_the_admin_console_shows_the_checklist_until_done(admin, db):
    _no_categories(db)
    home = admin.get("/console/admin/pengguna").get_data(as_text=True)
    assert 'id="persiapan"' in home and 'id="langkah-categories"' in home
    assert 'id="nav-persiapan"' in home
    page = admin.get("/console/admin/persiapan").get_data(as_text=True)
    assert "Layanan belum siap" in page
    assert 'href="/console/admin/kategori">Isi sekarang' in page


def test_the_admin_sees_which_roles_no_alert_can_reach(admin, db):
    page = admin.get("/console/admin/pengguna").get_data(as_text=True)
    assert 'id="peran-tanpa-kontak"' in page
    assert "Supervisor / pimpinan (tidak seorang pun dari peran ini dapat dihubungi)" in page
    db.execute(update(User).values(email="semua@example.go.id"))
    db.commit()
    page = admin.get("/console/admin/pengguna").get_data(as_text=True)
    assert 'id="peran-tanpa-kontak"' not in page and 'id="langkah-contacts"' not in page


def test_a_supervisor_without_contact_is_warned_on_every_page(supervisor, db):
    for path in ("/console/antrean", "/console/dasbor"):
        page = supervisor.get(path).get_data(as_text=True)
        assert 'id="tanpa-kontak"' in page and "tidak dapat sampai kepada Anda" in page
    user_named(db, "supervisor").email = "spv@example.go.id"
    db.commit()
    assert 'id="tanpa-kontak"' not in supervisor.get("/console/antrean").get_data(as_text=True)


def test_an_operator_is_not_warned(operator):
    assert 'id="tanpa-kontak"' not in operator.get("/console/antrean").get_data(as_text=True)


def test_contact_routes_is_the_one_place_that_knows_a_users_contacts(db):
    spv = db.scalar(select(User).where(User.role == Role.SUPERVISOR))
    assert setup.contact_routes(spv) == [] and setup.needs_contact_warning(spv)
    spv.email = "spv@example.go.id"
    assert setup.contact_routes(spv) == ["e-mail"] and not setup.needs_contact_warning(spv)


def test_hotline_check_prints_the_checklist(app, db):
    _no_categories(db)
    result = app.test_cli_runner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "setup: 3 of 7 steps open" in result.output
    assert "[ ] Kategori pengaduan (menu telepon)" in result.output
    assert "[x] Pokja / OPD tujuan" in result.output
    strict = app.test_cli_runner().invoke(cli, ["check", "--strict"])
    assert strict.exit_code == 1


def test_a_caller_hears_the_service_is_not_open_yet(db, place_call):
    _no_categories(db)
    result = place_call("1")
    said = " ".join(result.heard)
    assert "layanan pengaduan ini belum dibuka" in said and "jam kerja" not in said
