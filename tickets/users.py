"""Users and their passwords (scrypt from the standard library)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tickets.errors import InvalidInput
from tickets.models import Role, User

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    salt_b64, digest_b64 = base64.b64encode(salt).decode(), base64.b64encode(digest).decode()
    return f"scrypt${_N}${_R}${_P}${salt_b64}${digest_b64}"


def verify_password(stored: str, password: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt_b64),
        n=int(n), r=int(r), p=int(p), dklen=32,
    )
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))


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
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


_DUMMY_HASH = hash_password(secrets.token_hex(8))
