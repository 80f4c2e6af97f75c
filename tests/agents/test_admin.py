"""The admin's reference data: users, pokja, categories and hotline settings."""

from __future__ import annotations

import html

from sqlalchemy import select

from tests.agents.conftest import sign_in, user_named
from tickets.models import Category, Pokja, Role
from tickets.reference import hotline_settings


def test_the_admin_creates_a_pokja_user_who_can_sign_in(admin, app, db):
    pokja_id = db.scalars(select(Pokja.id).where(Pokja.code == "DLH")).one()
    response = admin.post("/console/admin/pengguna", {
        "action": "baru", "username": "dlh", "full_name": "Admin DLH",
        "password": "rahasia-dlh", "role": "pokja", "pokja_id": str(pokja_id)})
    assert response.status_code == 302
    assert user_named(db, "dlh").role is Role.POKJA
    assert sign_in(app.test_client(), "dlh", "rahasia-dlh").status_code == 302


def test_user_form_errors_are_indonesian_and_beside_the_field(admin):
    response = admin.post("/console/admin/pengguna", {
        "action": "baru", "username": "baru", "password": "pendek", "role": "operator"})
    assert response.status_code == 422
    assert 'id="err-password">Kata sandi minimal 8 karakter.' in response.get_data(as_text=True)
    response = admin.post("/console/admin/pengguna", {
        "action": "baru", "username": "baru2", "password": "panjang-sekali", "role": "pokja"})
    assert "Pengguna pokja harus terhubung ke satu pokja." in response.get_data(as_text=True)
    # The one password rule (accounts.passwords) holds in the console too.
    response = admin.post("/console/admin/pengguna", {
        "action": "baru", "username": "baru3", "password": "suarawarga2024",
        "role": "operator"})
    assert "Kata sandi ini terlalu umum" in response.get_data(as_text=True)


def test_the_admin_deactivates_a_user_and_resets_a_password(admin, app, db):
    target = user_named(db, "operator")
    form = {"action": "ubah", "user_id": str(target.id), "role": "operator"}
    asked = admin.post("/console/admin/pengguna", form)
    page = asked.get_data(as_text=True)
    # Deactivating asks first, with every field kept for the confirming post.
    assert asked.status_code == 200 and "Nonaktifkan pengguna" in page
    assert 'name="konfirmasi" value="ya"' in page
    assert f'name="user_id" value="{target.id}"' in page
    db.expire_all()
    assert user_named(db, "operator").active is True
    admin.post("/console/admin/pengguna", {**form, "konfirmasi": "ya"})
    db.expire_all()
    assert user_named(db, "operator").active is False
    assert sign_in(app.test_client(), "operator").status_code == 401
    admin.post("/console/admin/pengguna", {"action": "sandi", "user_id": str(target.id),
                                           "password": "sandi-baru-123"})
    admin.post("/console/admin/pengguna", {"action": "ubah", "user_id": str(target.id),
                                           "role": "operator", "active": "1"})
    assert sign_in(app.test_client(), "operator", "sandi-baru-123").status_code == 302


def test_the_admin_cannot_lock_themself_out(admin, db):
    me = user_named(db, "admin")
    response = admin.post("/console/admin/pengguna", {"action": "ubah", "user_id": str(me.id),
                                                      "role": "operator", "active": "1"})
    assert "Anda tidak dapat mencabut akses admin Anda sendiri." in response.get_data(
        as_text=True)


def test_the_admin_adds_a_pokja(admin, db):
    response = admin.post("/console/admin/pokja", {
        "code": "dishub", "name": "Pokja Perhubungan", "email": "dishub@pemkab.example.id",
        "whatsapp": "0812-3456-7890", "active": "1"})
    assert response.status_code == 302
    pokja = db.scalars(select(Pokja).where(Pokja.code == "DISHUB")).one()
    assert pokja.whatsapp == "+6281234567890"  # stored as E.164
    response = admin.post("/console/admin/pokja", {"code": "DISHUB", "name": "Lagi"})
    assert "Kode pokja sudah dipakai." in response.get_data(as_text=True)
    response = admin.post("/console/admin/pokja", {"code": "X1", "name": "X", "email": "bukan"})
    assert "Alamat email tidak valid." in response.get_data(as_text=True)


def test_a_category_ivr_digit_must_be_unique_and_one_to_nine(admin, db):
    response = admin.post("/console/admin/kategori", {"name": "Air bersih", "ivr_digit": "1"})
    assert "Tombol 1 sudah dipakai 'Jalan dan jembatan'." in html.unescape(
        response.get_data(as_text=True))
    response = admin.post("/console/admin/kategori", {"name": "Air bersih", "ivr_digit": "0"})
    assert "Tombol IVR harus angka 1 sampai 9." in response.get_data(as_text=True)
    response = admin.post("/console/admin/kategori", {"name": "Air bersih", "ivr_digit": "7",
                                                      "active": "1"})
    assert response.status_code == 302
    assert db.scalars(select(Category).where(Category.ivr_digit == 7)).one().name == "Air bersih"


def test_a_new_category_is_offered_in_the_voice_menu(admin, signed_post):
    admin.post("/console/admin/kategori", {"name": "Air bersih", "ivr_digit": "7",
                                           "active": "1"})
    body = signed_post("/ivr/menu/category", {"CallSid": "CA" + "c" * 32, "From": "+628111"}).text
    assert "Air bersih" in body


def test_office_hours_are_validated_and_shown_back_in_indonesian(admin, app, db):
    form = {"agency_name": "Kabupaten Uji", "office_hours": "Senin-Jumat 8-16",
            "operator_number": "+62215550199", "tts_voice": "Google.id-ID-Standard-A",
            "record_max_seconds": "120"}
    response = admin.post("/console/admin/pengaturan", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="err-office_hours">Format jam layanan' in page
    assert 'value="Senin-Jumat 8-16"' in page
    defaults = app.extensions["agents"].hotline_defaults
    assert hotline_settings(db, defaults)["agency_name"] == "Pemerintah Kabupaten Uji"
    response = admin.post("/console/admin/pengaturan", {**form, "office_hours": "1-6 07:30-15:00"})
    assert response.status_code == 302
    db.expire_all()
    saved = hotline_settings(db, defaults)
    assert saved["office_hours"] == "1-6 07:30-15:00" and saved["agency_name"] == "Kabupaten Uji"
