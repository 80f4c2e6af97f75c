"""Signing in, throttled per username and client address.

Failed attempts are rows in ``login_attempts`` so every gunicorn worker counts the
same failures; a success clears the key's failures.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tickets.db import utcnow
from tickets.errors import DomainError
from tickets.models import LoginAttempt, User
from tickets.users import authenticate

LOCK_WINDOW = timedelta(minutes=15)


class LoginFailed(DomainError):
    pass


class LoginLocked(LoginFailed):
    pass


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
        session.commit()
        raise LoginFailed("Nama pengguna atau kata sandi salah.")
    session.execute(delete(LoginAttempt).where(
        LoginAttempt.username == key[0], LoginAttempt.ip == key[1]))
    session.commit()
    return user
