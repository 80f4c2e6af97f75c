"""The admin's pages: the setup checklist, users, pokja, categories and hotline settings."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from accounts import services as accounts
from accounts import setup
from agents import forms
from agents.web import bp, cfg, confirm_first, db, roles, setup_steps, shows_refusal, user
from partners import services as partners
from tickets import reference
from tickets.errors import InvalidInput
from tickets.models import Role
from tickets.reference import EDITABLE_SETTINGS, PHONE_SETTINGS, hotline_settings

SETTING_LABELS = {
    "agency_name": "Nama instansi (diucapkan IVR)",
    "hotline_number": "Nomor hotline yang ditelepon warga (ditampilkan di situs publik)",
    "office_hours": "Jam layanan operator (contoh: 1-5 08:00-16:00)",
    "operator_number": "Nomor telepon operator",
    "tts_voice": "Suara TTS Twilio",
    "record_max_seconds": "Durasi rekaman maksimal (detik)",
}


def _render(template: str, errors: dict[str, str], **context: Any) -> tuple[str, int]:
    return render_template(template, errors=errors, form=request.form, **context), (
        422 if errors else 200)


def _after(endpoint: str, message: str) -> Response:
    flash(message, "ok")
    return redirect(url_for(endpoint))


@bp.get("/admin/persiapan")
@roles(Role.ADMIN)
def admin_setup() -> str:
    """What the install still lacks (categories, pokja, users per role, the hotline
    number, notification contacts), each with the page where it is filled in."""
    return render_template("agents/admin_setup.html", steps=setup_steps(),
                           unreachable=setup.unreachable_roles(db()))


def _users_page(errors: dict[str, str] | None = None) -> tuple[str, int]:
    steps = setup_steps()
    return _render("agents/admin_users.html", errors or {}, setup_open=setup.missing(steps),
                   unreachable=setup.unreachable_roles(db()),
                   notified_roles=setup.NOTIFIED_ROLES, reachable=setup.reachable,
                   users=accounts.list_users(db(), user()),
                   pokjas=reference.list_pokja(db(), user()), roles=list(Role),
                   role_labels=accounts.ROLE_LABELS, target=request.form.get("user_id"))


@bp.route("/admin/pengguna", methods=["GET", "POST"])
@roles(Role.ADMIN)
@shows_refusal(lambda exc: _users_page({exc.field: exc.message}), InvalidInput)
def admin_users() -> Response | tuple[str, int] | str:
    if request.method == "GET":
        return _users_page()
    f = request.form
    action = f.get("action")
    if action == "baru":
        accounts.add_user(db(), user(), username=f.get("username", ""),
                          full_name=f.get("full_name", ""), password=f.get("password", ""),
                          role=f.get("role", ""), pokja_id=forms.optional_int(f, "pokja_id"),
                          email=f.get("email", ""), whatsapp=f.get("whatsapp", ""),
                          min_length=cfg().min_password_length)
        return _after("agents.admin_users", "Pengguna dibuat.")
    user_id = forms.optional_int(f, "user_id") or 0
    if action == "sandi":
        accounts.reset_password(db(), user(), user_id, f.get("password", ""),
                                min_length=cfg().min_password_length)
        if user_id == user().id:
            # The reset ended every session of this user; the admin keeps this one.
            session["sv"] = user().session_version
        return _after("agents.admin_users", "Kata sandi diganti.")
    target = accounts.find_user(db(), user(), user_id)
    if target.active and not forms.checkbox(f, "active") and (page := confirm_first(
            f"Nonaktifkan pengguna {target.full_name} ({target.username})? Ia tidak dapat "
            "masuk lagi sampai diaktifkan kembali; tiket dan riwayatnya tetap ada.",
            "Ya, nonaktifkan", url_for("agents.admin_users"))):
        return page
    accounts.update_user(db(), user(), user_id, role=f.get("role", ""),
                         pokja_id=forms.optional_int(f, "pokja_id"),
                         active=forms.checkbox(f, "active"), email=f.get("email"),
                         whatsapp=f.get("whatsapp"))
    return _after("agents.admin_users", "Pengguna diperbarui.")


def _pokja_page(errors: dict[str, str] | None = None) -> tuple[str, int]:
    pokjas = reference.list_pokja(db(), user())
    return _render("agents/admin_pokja.html", errors or {}, pokjas=pokjas,
                   target=request.form.get("pokja_id"),
                   history={p.id: reference.approval_history(db(), user(), p.id)
                            for p in pokjas})


@bp.route("/admin/pokja", methods=["GET", "POST"])
@roles(Role.ADMIN)
@shows_refusal(lambda exc: _pokja_page({exc.field: exc.message}), InvalidInput)
def admin_pokja() -> Response | tuple[str, int]:
    if request.method == "GET":
        return _pokja_page()
    f = request.form
    reference.save_pokja(db(), user(), forms.optional_int(f, "pokja_id"),
                         code=f.get("code", ""), name=f.get("name", ""),
                         email=f.get("email", ""), whatsapp=f.get("whatsapp", ""),
                         active=forms.checkbox(f, "active"),
                         approval_required=forms.checkbox(f, "approval_required"))
    return _after("agents.admin_pokja", "Pokja disimpan.")


def _partners_page(errors: dict[str, str] | None = None) -> tuple[str, int]:
    return _render("agents/admin_partners.html", errors or {},
                   partners=partners.list_partners(db(), user()),
                   pokjas=reference.list_pokja(db(), user()),
                   history=partners.partner_history(db(), user()),
                   target=request.form.get("partner_id"))


@bp.route("/admin/mitra", methods=["GET", "POST"])
@roles(Role.ADMIN)
@shows_refusal(lambda exc: _partners_page({exc.field: exc.message}), InvalidInput)
def admin_partners() -> Response | tuple[str, int]:
    """Partner institutions: name, contacts, and which pokja may ask each."""
    if request.method == "GET":
        return _partners_page()
    f = request.form
    pokja_ids = [forms.optional_int({"p": v}, "p") or 0 for v in f.getlist("pokja_ids")]
    partners.save_partner(db(), user(), forms.optional_int(f, "partner_id"),
                          name=f.get("name", ""), email=f.get("email", ""),
                          whatsapp=f.get("whatsapp", ""), pokja_ids=pokja_ids,
                          active=forms.checkbox(f, "active"))
    return _after("agents.admin_partners", "Lembaga mitra disimpan.")


def _categories_page(errors: dict[str, str] | None = None) -> tuple[str, int]:
    return _render("agents/admin_categories.html", errors or {},
                   categories=reference.list_categories(db(), user()),
                   pokjas=reference.list_pokja(db(), user()),
                   target=request.form.get("category_id"))


@bp.route("/admin/kategori", methods=["GET", "POST"])
@roles(Role.ADMIN)
@shows_refusal(lambda exc: _categories_page({exc.field: exc.message}), InvalidInput)
def admin_categories() -> Response | tuple[str, int]:
    if request.method == "GET":
        return _categories_page()
    f = request.form
    reference.save_category(
        db(), user(), forms.optional_int(f, "category_id"), name=f.get("name", ""),
        ivr_digit=forms.optional_int(f, "ivr_digit", "Tombol IVR harus angka 1 sampai 9."),
        pokja_id=forms.optional_int(f, "pokja_id"), active=forms.checkbox(f, "active"))
    return _after("agents.admin_categories", "Kategori disimpan.")


def _settings_page(errors: dict[str, str] | None = None) -> tuple[str, int]:
    current = hotline_settings(db(), cfg().hotline_defaults)
    values = {k: request.form.get(k, current.get(k, "")) for k in EDITABLE_SETTINGS}
    return _render("agents/admin_settings.html", errors or {}, values=values,
                   labels=SETTING_LABELS, phones=PHONE_SETTINGS)


@bp.route("/admin/pengaturan", methods=["GET", "POST"])
@roles(Role.ADMIN)
@shows_refusal(lambda exc: _settings_page({exc.field: exc.message}), InvalidInput)
def admin_settings() -> Response | tuple[str, int]:
    if request.method == "GET":
        return _settings_page()
    reference.save_hotline_settings(db(), user(), request.form)
    return _after("agents.admin_settings", "Pengaturan hotline disimpan.")
