"""Accounts: creating and managing console users, and signing in with a throttle.

Failed sign-ins are rows in ``login_attempts`` so every gunicorn worker counts the
same failures; a success clears the key's failures.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from accounts.models import LoginAttempt, User
from accounts.passwords import DUMMY_HASH, hash_password, verify_password
from tickets.clock import utcnow
from tickets.contacts import email_address
from tickets.errors import DomainError, InvalidInput, NotFound
from tickets.models import Role
from tickets.permissions import require_role

ROLE_LABELS = {Role.OPERATOR: "Operator call center", Role.POKJA: "Admin pokja",
               Role.SUPERVISOR: "Supervisor / pimpinan", Role.ADMIN: "Admin sistem"}


MIN_PASSWORD_LENGTH = 8


def create_user(
    session: Session, *, username: str, full_name: str, password: str, role: Role,
    pokja_id: int | None = None,
) -> User:
    username = username.strip().lower()
    if not username:
        raise InvalidInput("username", "Nama pengguna wajib diisi.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.")
    if role is Role.POKJA and pokja_id is None:
        raise InvalidInput("pokja_id", "Pengguna pokja harus terhubung ke satu pokja.")
    if session.scalar(select(func.count()).where(User.username == username)):
        raise InvalidInput("username", "Nama pengguna sudah dipakai.")
    user = User(
        username=username, full_name=full_name.strip() or username,
        password_hash=hash_password(password), role=role,
        pokja_id=pokja_id if role is Role.POKJA else None,
    )
    session.add(user)
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.active:
        # Spend the same time as a real check so usernames cannot be probed by timing.
        verify_password(DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Pengguna tidak ditemukan.")
    return user


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput("role", "Pilih peran pengguna.") from None


def list_users(session: Session, admin: User) -> list[User]:
    require_role(admin, Role.ADMIN)
    return list(session.scalars(select(User).order_by(User.username)))


def add_user(session: Session, admin: User, *, username: str, full_name: str, password: str,
             role: str, pokja_id: int | None, email: str | None = None) -> User:
    require_role(admin, Role.ADMIN)
    if not re.fullmatch(r"[a-z0-9._-]{2,64}", username.strip().lower()):
        raise InvalidInput("username", "Nama pengguna 2-64 karakter: huruf kecil, angka, . _ -")
    address = email_address(email)
    user = create_user(session, username=username, full_name=full_name, password=password,
                       role=_role(role), pokja_id=pokja_id)
    user.email = address
    return user


def update_user(session: Session, admin: User, user_id: int, *, role: str,
                pokja_id: int | None, active: bool, email: str | None = None) -> User:
    """``email`` None leaves the address alone; "" removes it (no alerts, no digest)."""
    require_role(admin, Role.ADMIN)
    user = _user(session, user_id)
    new_role = _role(role)
    address = email_address(email) if email is not None else user.email
    if new_role is Role.POKJA and pokja_id is None:
        raise InvalidInput("pokja_id", "Pengguna pokja harus terhubung ke satu pokja.")
    if user.id == admin.id and (new_role is not Role.ADMIN or not active):
        raise InvalidInput("role", "Anda tidak dapat mencabut akses admin Anda sendiri.")
    user.role = new_role
    user.pokja_id = pokja_id if new_role is Role.POKJA else None
    user.active = active
    user.email = address
    return user


def reset_password(session: Session, admin: User, user_id: int, password: str) -> User:
    require_role(admin, Role.ADMIN)
    user = _user(session, user_id)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.")
    user.password_hash = hash_password(password)
    return user


# --- signing in ------------------------------------------------------------------------------

class LoginFailed(DomainError):
    pass


class LoginLocked(LoginFailed):
    pass


LOCK_WINDOW = timedelta(minutes=15)


def sign_in(session: Session, username: str, password: str, ip: str, *, max_attempts: int,
            now: datetime | None = None) -> User:
    now = now or utcnow()
    key = (username.strip().lower()[:64], (ip or "-")[:64])
    since = now - LOCK_WINDOW
    failures = session.scalar(
        select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.username == key[0], LoginAttempt.ip == key[1], LoginAttempt.at >= since)
    ) or 0
    if failures >= max_attempts:
        raise LoginLocked(
            "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit."
        )
    user = authenticate(session, username, password)
    if user is None:
        session.add(LoginAttempt(username=key[0], ip=key[1], at=now))
        # Old rows are useless to the throttle: keep the table small as we go.
        session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - 4 * LOCK_WINDOW))
        # The boundary commits this row although the sign-in fails: the view handles
        # LoginFailed without rolling back.
        raise LoginFailed("Nama pengguna atau kata sandi salah.")
    session.execute(delete(LoginAttempt).where(
        LoginAttempt.username == key[0], LoginAttempt.ip == key[1]))
    return user
