"""Accounts: creating and managing console users, signing in with a throttle, and
ending a user's sessions.

Failed sign-ins are rows in ``login_attempts`` so every gunicorn worker (and every
process of the embedded mode, which has no Redis) counts the same failures. The
throttle counts them twice over: per account, from anywhere, and per client address,
across usernames (see :func:`sign_in`).
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.orm import Session

from accounts.models import LoginAttempt, User
from accounts.passwords import (
    DUMMY_HASH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    is_published,
    password_problem,
    verify_password,
)
from tickets.clock import utcnow
from tickets.contacts import email_address, phone_field
from tickets.db import keep_on_refusal
from tickets.errors import DomainError, InvalidInput, NotFound
from tickets.models import Role
from tickets.permissions import AGENCY_ROLES, require_role
from tickets.text import clean_name, one_line

ROLE_LABELS = {Role.OPERATOR: "Operator call center", Role.POKJA: "Admin pokja",
               Role.SUPERVISOR: "Supervisor / pimpinan", Role.ADMIN: "Admin sistem",
               Role.HEAD: "Pimpinan OPD (kepala SKPD)",
               Role.LEADERSHIP: "Pimpinan daerah (bupati/wali kota, wakil, sekda)"}

USERNAME = re.compile(r"[a-z0-9._-]{2,64}")


def check_new_password(password: str, *, username: str, min_length: int) -> None:
    """The one rule for a new password (``accounts.passwords.password_problem``)."""
    problem = password_problem(password, username=username, min_length=min_length)
    if problem is not None:
        raise InvalidInput("password", problem)


def create_user(
    session: Session, *, username: str, full_name: str, password: str, role: Role,
    pokja_id: int | None = None, min_length: int = MIN_PASSWORD_LENGTH,
) -> User:
    username = username.strip().lower()
    full_name = clean_name(full_name, field="full_name", label="Nama lengkap")
    if not username:
        raise InvalidInput("username", "Nama pengguna wajib diisi.")
    if not USERNAME.fullmatch(username):
        raise InvalidInput("username", "Nama pengguna 2-64 karakter: huruf kecil, angka, . _ -")
    check_new_password(password, username=username, min_length=min_length)
    if role in AGENCY_ROLES and pokja_id is None:
        raise InvalidInput("pokja_id", "Pengguna pokja harus terhubung ke satu pokja.")
    if session.scalar(select(func.count()).where(User.username == username)):
        raise InvalidInput("username", "Nama pengguna sudah dipakai.")
    user = User(
        username=username, full_name=full_name or username,
        password_hash=hash_password(password), role=role,
        pokja_id=pokja_id if role in AGENCY_ROLES else None,
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


def find_user(session: Session, admin: User, user_id: int) -> User:
    require_role(admin, Role.ADMIN)
    return _user(session, user_id)


def user_by_username(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"Pengguna {username!r} tidak ditemukan.")
    return user


def add_user(session: Session, admin: User, *, username: str, full_name: str, password: str,
             role: str, pokja_id: int | None, email: str | None = None,
             whatsapp: str | None = None, min_length: int = MIN_PASSWORD_LENGTH) -> User:
    require_role(admin, Role.ADMIN)
    address = email_address(email)
    number = whatsapp_number(whatsapp)
    user = create_user(session, username=username, full_name=full_name, password=password,
                       role=_role(role), pokja_id=pokja_id, min_length=min_length)
    user.email, user.whatsapp = address, number
    return user


def whatsapp_number(value: str | None) -> str | None:
    """A user's WhatsApp number from the admin's form: E.164 (+62...), None when empty."""
    return phone_field(value, "whatsapp", "Nomor WhatsApp")


def update_user(session: Session, admin: User, user_id: int, *, role: str,
                pokja_id: int | None, active: bool, email: str | None = None,
                whatsapp: str | None = None) -> User:
    """``email`` or ``whatsapp`` None leaves it alone; "" removes it (no alerts, no
    digest, no escalation summary there)."""
    require_role(admin, Role.ADMIN)
    user = _user(session, user_id)
    new_role = _role(role)
    address = email_address(email) if email is not None else user.email
    number = whatsapp_number(whatsapp) if whatsapp is not None else user.whatsapp
    if new_role in AGENCY_ROLES and pokja_id is None:
        raise InvalidInput("pokja_id", "Pengguna pokja harus terhubung ke satu pokja.")
    if user.id == admin.id and (new_role is not Role.ADMIN or not active):
        raise InvalidInput("role", "Anda tidak dapat mencabut akses admin Anda sendiri.")
    user.role = new_role
    user.pokja_id = pokja_id if new_role in AGENCY_ROLES else None
    user.active = active
    user.email, user.whatsapp = address, number
    return user


def end_sessions(session: Session, user: User) -> None:
    """End every open console session of ``user`` (sign-out, a new password).

    Sessions are signed cookies that carry the version they were issued with; the
    console refuses one whose version is no longer the user's.
    """
    user.session_version = (user.session_version or 0) + 1
    session.flush()


def set_password(session: Session, user: User, password: str, *,
                 min_length: int = MIN_PASSWORD_LENGTH) -> None:
    """A new password: every open session of the user ends, and so does a sign-in lock
    on the account (the failures were guesses at the old password)."""
    check_new_password(password, username=user.username, min_length=min_length)
    user.password_hash = hash_password(password)
    end_sessions(session, user)
    session.execute(delete(LoginAttempt).where(LoginAttempt.username == user.username))


def reset_password(session: Session, admin: User, user_id: int, password: str, *,
                   min_length: int = MIN_PASSWORD_LENGTH) -> User:
    require_role(admin, Role.ADMIN)
    user = _user(session, user_id)
    set_password(session, user, password, min_length=min_length)
    return user


# --- signing in ------------------------------------------------------------------------------

class LoginFailed(DomainError):
    pass


class LoginLocked(LoginFailed):
    pass


LOCK_WINDOW = timedelta(minutes=15)
WRONG = "Nama pengguna atau kata sandi salah."
PUBLISHED = ("Kata sandi ini dipublikasikan (sandi demo) dan tidak dapat dipakai di server "
             "produksi. Minta admin mengganti kata sandi Anda.")


def sign_in(session: Session, username: str, password: str, ip: str, *, max_attempts: int,
            max_per_address: int, device: str | None = None, refuse_published: bool = False,
            now: datetime | None = None) -> User:
    """The user whose password this is, or LoginFailed (LoginLocked while throttled).

    Two limits over a sliding ``LOCK_WINDOW`` (15 minutes), each a temporary lock that
    lifts by itself as its oldest failures leave the window:

    * per account: ``max_attempts`` failures for one username, from anywhere, lock that
      username (guessing one password from many addresses is slowed);
    * per address: ``max_per_address`` failures from one client address, over any
      usernames, lock that address (spraying one password over many users is slowed).

    ``device`` is a token the console gave a browser after this user signed in on it
    (a signed cookie): such a browser is not subject to either lock, only to
    ``max_attempts`` failures of its own, so an attacker who keeps an account or an
    office's address locked does not lock out the user at their usual browser.

    A locked attempt is refused before the password is checked and is not recorded, so
    a lock never lasts longer than the window after the failures that caused it.
    ``refuse_published`` (production) refuses the demo password before checking it.
    """
    now = now or utcnow()
    # Whatever was typed is looked up and counted as one printable line (a NUL would end
    # the request on PostgreSQL, which stores none).
    username = one_line(username, 64)
    name, address = username.lower(), one_line(ip or "-", 64)
    if device:
        _refuse_while_locked(session, now, max_attempts,
                             LoginAttempt.username == name, LoginAttempt.device == device)
    else:
        _refuse_while_locked(session, now, max_attempts,
                             LoginAttempt.username == name, LoginAttempt.device.is_(None))
        _refuse_while_locked(session, now, max_per_address,
                             LoginAttempt.ip == address, LoginAttempt.device.is_(None))
    published = refuse_published and is_published(password)
    user = None if published else authenticate(session, username, password)
    if user is None:
        session.add(LoginAttempt(username=name, ip=address, device=device or None, at=now))
        # Old rows are useless to the throttle: keep the table small as we go.
        session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - 4 * LOCK_WINDOW))
        # The refusal is itself the fact the throttle counts: the boundary commits this
        # row although the sign-in fails (an error response otherwise rolls back).
        keep_on_refusal(session)
        raise LoginFailed(PUBLISHED if published else WRONG)
    # The user's own slips (from this address or this browser) are forgotten; failures
    # for this username from elsewhere keep counting.
    own = [LoginAttempt.ip == address] + ([LoginAttempt.device == device] if device else [])
    session.execute(delete(LoginAttempt).where(LoginAttempt.username == name, or_(*own)))
    return user


def _refuse_while_locked(session: Session, now: datetime, limit: int,
                         *where: ColumnElement[bool]) -> None:
    # The limit-th most recent failure in the window: while there is one, the key is
    # locked until it leaves the window.
    nth = session.scalar(
        select(LoginAttempt.at).where(*where, LoginAttempt.at >= now - LOCK_WINDOW)
        .order_by(LoginAttempt.at.desc()).offset(limit - 1).limit(1))
    if nth is None:
        return
    minutes = max(1, math.ceil((nth + LOCK_WINDOW - now).total_seconds() / 60))
    raise LoginLocked(
        f"Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {minutes} menit.")
