"""The admin's reference data: users, pokja, categories and hotline settings."""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tickets.access import require_role
from tickets.catalog import EDITABLE_SETTINGS, set_hotline_setting
from tickets.errors import InvalidInput, NotFound
from tickets.hours import OfficeHours
from tickets.models import Category, Pokja, Role, User
from tickets.users import MIN_PASSWORD_LENGTH, create_user, hash_password

ROLE_LABELS = {Role.OPERATOR: "Operator call center", Role.POKJA: "Admin pokja",
               Role.SUPERVISOR: "Supervisor / pimpinan", Role.ADMIN: "Admin sistem"}


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput("role", "Pilih peran pengguna.") from None


def _get(session: Session, model: type, ident: int, what: str):  # type: ignore[no-untyped-def]
    row = session.get(model, ident)
    if row is None:
        raise NotFound(f"{what} tidak ditemukan.")
    return row


def _email(value: str | None, field: str = "email") -> str | None:
    """An optional e-mail address, stripped; a malformed one is refused beside its field."""
    address = (value or "").strip()
    if not address:
        return None
    if len(address) > 200 or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
        raise InvalidInput(field, "Alamat email tidak valid.")
    return address


def list_users(session: Session, admin: User) -> list[User]:
    require_role(admin, Role.ADMIN)
    return list(session.scalars(select(User).order_by(User.username)))


def add_user(session: Session, admin: User, *, username: str, full_name: str, password: str,
             role: str, pokja_id: int | None, email: str | None = None) -> User:
    require_role(admin, Role.ADMIN)
    if not re.fullmatch(r"[a-z0-9._-]{2,64}", username.strip().lower()):
        raise InvalidInput("username", "Nama pengguna 2-64 karakter: huruf kecil, angka, . _ -")
    address = _email(email)
    user = create_user(session, username=username, full_name=full_name, password=password,
                       role=_role(role), pokja_id=pokja_id)
    user.email = address
    session.commit()
    return user


def update_user(session: Session, admin: User, user_id: int, *, role: str,
                pokja_id: int | None, active: bool, email: str | None = None) -> User:
    """``email`` None leaves the address alone; "" removes it (no alerts, no digest)."""
    require_role(admin, Role.ADMIN)
    user: User = _get(session, User, user_id, "Pengguna")
    new_role = _role(role)
    address = _email(email) if email is not None else user.email
    if new_role is Role.POKJA and pokja_id is None:
        raise InvalidInput("pokja_id", "Pengguna pokja harus terhubung ke satu pokja.")
    if user.id == admin.id and (new_role is not Role.ADMIN or not active):
        raise InvalidInput("role", "Anda tidak dapat mencabut akses admin Anda sendiri.")
    user.role = new_role
    user.pokja_id = pokja_id if new_role is Role.POKJA else None
    user.active = active
    user.email = address
    session.commit()
    return user


def reset_password(session: Session, admin: User, user_id: int, password: str) -> User:
    require_role(admin, Role.ADMIN)
    user: User = _get(session, User, user_id, "Pengguna")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.")
    user.password_hash = hash_password(password)
    session.commit()
    return user


def list_pokja(session: Session, user: User) -> list[Pokja]:
    require_role(user, Role.ADMIN)
    return list(session.scalars(select(Pokja).order_by(Pokja.name)))


def save_pokja(session: Session, admin: User, pokja_id: int | None, *, code: str, name: str,
               email: str, whatsapp: str, active: bool = True) -> Pokja:
    require_role(admin, Role.ADMIN)
    code = code.strip().upper()
    if not re.fullmatch(r"[A-Z0-9_-]{2,32}", code):
        raise InvalidInput("code", "Kode 2-32 karakter: huruf, angka, _ atau -.")
    if not name.strip():
        raise InvalidInput("name", "Nama pokja wajib diisi.")
    address = _email(email)
    if whatsapp.strip() and not re.fullmatch(r"\+?[0-9]{6,15}", whatsapp.strip()):
        raise InvalidInput("whatsapp", "Nomor WhatsApp hanya angka, boleh diawali +.")
    taken = session.scalar(select(Pokja.id).where(Pokja.code == code))
    if taken is not None and taken != pokja_id:
        raise InvalidInput("code", "Kode pokja sudah dipakai.")
    pokja: Pokja = _get(session, Pokja, pokja_id, "Pokja") if pokja_id else Pokja(code=code)
    pokja.code, pokja.name = code, name.strip()
    pokja.email, pokja.whatsapp = address, whatsapp.strip() or None
    pokja.active = active
    session.add(pokja)
    session.commit()
    return pokja


def list_categories(session: Session, user: User) -> list[Category]:
    require_role(user, Role.ADMIN)
    return list(session.scalars(
        select(Category).order_by(Category.ivr_digit.is_(None), Category.ivr_digit, Category.name)))


def save_category(session: Session, admin: User, category_id: int | None, *, name: str,
                  ivr_digit: int | None, pokja_id: int | None, active: bool = True) -> Category:
    """The IVR reads categories from here, so the voice menu follows the console."""
    require_role(admin, Role.ADMIN)
    name = name.strip()
    if not name:
        raise InvalidInput("name", "Nama kategori wajib diisi.")
    if ivr_digit is not None and not 1 <= ivr_digit <= 9:
        raise InvalidInput("ivr_digit", "Tombol IVR harus angka 1 sampai 9.")
    same_name = session.scalar(select(Category.id).where(func.lower(Category.name) == name.lower()))
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
    session.commit()
    return category


def _check_setting(key: str, value: str) -> str:
    value = value.strip()
    if key == "office_hours":
        try:
            return str(OfficeHours.parse(value))
        except ValueError:
            raise InvalidInput(key, "Format jam layanan: '1-5 08:00-16:00' (hari 1=Senin "
                                    "sampai 7=Minggu, jam buka-tutup).") from None
    if key == "record_max_seconds":
        if not value.isdigit() or not 10 <= int(value) <= 3600:
            raise InvalidInput(key, "Durasi rekaman harus angka 10 sampai 3600 detik.")
    if key == "operator_number" and value and not re.fullmatch(r"\+?[0-9]{4,15}", value):
        raise InvalidInput(key, "Nomor operator harus nomor telepon, misalnya +62215551234.")
    if key in ("agency_name", "tts_voice") and not value:
        raise InvalidInput(key, "Wajib diisi.")
    return value


def save_hotline_settings(session: Session, admin: User, values: Mapping[str, str]) -> None:
    """Validate every field first, so a bad one changes nothing."""
    require_role(admin, Role.ADMIN)
    checked = {key: _check_setting(key, values.get(key, "")) for key in EDITABLE_SETTINGS}
    for key, value in checked.items():
        set_hotline_setting(session, key, value)
    session.commit()
