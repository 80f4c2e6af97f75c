"""Reference data: pokja, categories and the console-editable hotline settings."""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tickets.contacts import email_address, phone_field
from tickets.errors import InvalidInput, NotFound
from tickets.models import ApprovalSettingChange, Category, HotlineSetting, Pokja, Role
from tickets.permissions import Principal, require_role
from tickets.sla import OfficeHours
from tickets.text import clean_name

# Keys of the hotline settings an admin may change in the console; the
# environment supplies the defaults.
EDITABLE_SETTINGS = (
    "agency_name", "hotline_number", "office_hours", "operator_number", "tts_voice",
    "record_max_seconds",
)
# Settings that are phone numbers (the console's fields are ``type=tel``).
PHONE_SETTINGS = frozenset({"hotline_number", "operator_number"})
# What texts call the agency when no name is set (the console refuses an empty one and
# AGENCY_NAME has a default, but settings passed in without it must neither crash a call
# nor send ": pengaduan Anda ..."): it reads in an SMS, an e-mail subject, a report header.
AGENCY_FALLBACK = "Layanan Pengaduan Masyarakat"


def hotline_settings(session: Session, defaults: Mapping[str, str]) -> dict[str, str]:
    merged = {k: str(v) for k, v in defaults.items()}
    for row in session.scalars(select(HotlineSetting)):
        # An emptied hotline number means "the default" (HOTLINE_NUMBER), not "none".
        if row.key in EDITABLE_SETTINGS and (row.value or row.key != "hotline_number"):
            merged[row.key] = row.value
    return merged


def agency_name(settings: Mapping[str, str]) -> str:
    """The agency's display name in the merged hotline ``settings``
    (:func:`hotline_settings`), else :data:`AGENCY_FALLBACK`: every text that names the
    agency (voice, SMS, WhatsApp, e-mail, reports, the public site, Open311) asks here."""
    return (settings.get("agency_name") or "").strip() or AGENCY_FALLBACK


def set_hotline_setting(session: Session, key: str, value: str) -> None:
    if key not in EDITABLE_SETTINGS:
        raise KeyError(key)
    row = session.scalar(select(HotlineSetting).where(HotlineSetting.key == key))
    if row is None:
        session.add(HotlineSetting(key=key, value=value))
    else:
        row.value = value



def ivr_categories(session: Session) -> list[Category]:
    """The categories offered in the voice menu, in key order."""
    return list(session.scalars(
        select(Category).where(Category.active.is_(True), Category.ivr_digit.is_not(None))
        .order_by(Category.ivr_digit)))


def _get(session: Session, model: type, ident: int, what: str):  # type: ignore[no-untyped-def]
    row = session.get(model, ident)
    if row is None:
        raise NotFound(f"{what} tidak ditemukan.")
    return row


def list_pokja(session: Session, user: Principal) -> list[Pokja]:
    require_role(user, Role.ADMIN)
    return list(session.scalars(select(Pokja).order_by(Pokja.name)))


def save_pokja(session: Session, admin: Principal, pokja_id: int | None, *, code: str, name: str,
               email: str, whatsapp: str, active: bool = True,
               approval_required: bool | None = None) -> Pokja:
    require_role(admin, Role.ADMIN)
    code = code.strip().upper()
    if not re.fullmatch(r"[A-Z0-9_-]{2,32}", code):
        raise InvalidInput("code", "Kode 2-32 karakter: huruf, angka, _ atau -.")
    name = clean_name(name, field="name", label="Nama pokja")
    if not name:
        raise InvalidInput("name", "Nama pokja wajib diisi.")
    address = email_address(email)
    number = phone_field(whatsapp, "whatsapp", "Nomor WhatsApp")
    taken = session.scalar(select(Pokja.id).where(Pokja.code == code))
    if taken is not None and taken != pokja_id:
        raise InvalidInput("code", "Kode pokja sudah dipakai.")
    pokja: Pokja = _get(session, Pokja, pokja_id, "Pokja") if pokja_id else Pokja(code=code)
    pokja.code, pokja.name = code, name
    pokja.email, pokja.whatsapp = address, number
    pokja.active = active
    session.add(pokja)
    if approval_required is not None and approval_required != bool(pokja.approval_required):
        # Kept with its history: who required the head's approval, and since when.
        pokja.approval_required = approval_required
        session.flush()
        session.add(ApprovalSettingChange(
            pokja_id=pokja.id, approval_required=approval_required, changed_by_id=admin.id,
            changed_by_label=admin.full_name))
    return pokja


def approval_history(session: Session, user: Principal,
                     pokja_id: int) -> list[ApprovalSettingChange]:
    require_role(user, Role.ADMIN)
    return list(session.scalars(select(ApprovalSettingChange).where(
        ApprovalSettingChange.pokja_id == pokja_id).order_by(ApprovalSettingChange.id.desc())))


def list_categories(session: Session, user: Principal) -> list[Category]:
    require_role(user, Role.ADMIN)
    return list(session.scalars(
        select(Category).order_by(Category.ivr_digit.is_(None), Category.ivr_digit, Category.name)))


def save_category(session: Session, admin: Principal, category_id: int | None, *, name: str,
                  ivr_digit: int | None, pokja_id: int | None, active: bool = True) -> Category:
    """The IVR reads categories from here, so the voice menu follows the console."""
    require_role(admin, Role.ADMIN)
    name = clean_name(name, field="name", label="Nama kategori")
    if not name:
        raise InvalidInput("name", "Nama kategori wajib diisi.")
    if ivr_digit is not None and not 1 <= ivr_digit <= 9:
        raise InvalidInput("ivr_digit", "Tombol IVR harus angka 1 sampai 9.")
    # lower() of SQLite folds ASCII only: the exact name is compared as well, so the unique
    # constraint never answers a second "Ölçü" with a server error.
    same_name = session.scalar(select(Category.id).where(or_(
        Category.name == name, func.lower(Category.name) == name.lower())).limit(1))
    if same_name is not None and same_name != category_id:
        raise InvalidInput("name", "Nama kategori sudah dipakai.")
    if ivr_digit is not None:
        holder = session.scalar(select(Category).where(Category.ivr_digit == ivr_digit))
        if holder is not None and holder.id != category_id:
            raise InvalidInput("ivr_digit", f"Tombol {ivr_digit} sudah dipakai '{holder.name}'.")
    if pokja_id is not None and session.get(Pokja, pokja_id) is None:
        raise InvalidInput("pokja_id", "Pokja tidak dikenal.")
    category: Category = (_get(session, Category, category_id, "Kategori") if category_id
                          else Category(name=name))
    category.name, category.ivr_digit, category.pokja_id = name, ivr_digit, pokja_id
    category.active = active
    session.add(category)
    return category


# A Twilio <Say> voice: "Google.id-ID-Standard-A", "Polly.Joanna-Neural", "alice".
TTS_VOICE = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,63}")


def _check_setting(key: str, value: str) -> str:
    value = value.strip()
    if key == "agency_name":
        # Spoken in every greeting and written atop every report: one line.
        value = clean_name(value, field=key, label="Nama instansi")
    if key == "tts_voice" and value and not TTS_VOICE.fullmatch(value):
        raise InvalidInput(key, "Nama suara TTS hanya huruf, angka, titik, garis bawah dan "
                                "tanda hubung, mis. Google.id-ID-Standard-A.")
    if key == "office_hours":
        try:
            return str(OfficeHours.parse(value))
        except ValueError:
            raise InvalidInput(key, "Format jam layanan: '1-5 08:00-16:00' (hari 1=Senin "
                                    "sampai 7=Minggu, jam buka-tutup).") from None
    if key == "record_max_seconds":
        if not (value.isascii() and value.isdigit()) or not 10 <= int(value) <= 3600:
            raise InvalidInput(key, "Durasi rekaman harus angka 10 sampai 3600 detik.")
        return str(int(value))
    if key == "operator_number":
        return phone_field(value, key, "Nomor operator") or ""
    if key == "hotline_number":
        # The number citizens call is the agency's Twilio number: a possible number is
        # enough (Twilio's test numbers are in no plan), as for HOTLINE_NUMBER.
        return phone_field(value, key, "Nomor hotline", strict=False) or ""
    if key in ("agency_name", "tts_voice") and not value:
        raise InvalidInput(key, "Wajib diisi.")
    return value


def save_hotline_settings(session: Session, admin: Principal, values: Mapping[str, str]) -> None:
    """Validate every field first, so a bad one changes nothing."""
    require_role(admin, Role.ADMIN)
    checked = {key: _check_setting(key, values.get(key, "")) for key in EDITABLE_SETTINGS}
    for key, value in checked.items():
        set_hotline_setting(session, key, value)
