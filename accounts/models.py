"""Console users and their failed sign-ins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tickets.clock import utcnow
from tickets.db import Base, enum_column
from tickets.models import Pokja, Role


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    # Where alerts and the supervisors' overdue digest go (migration 0003).
    email: Mapped[str | None] = mapped_column(String(200))
    # An agency head's or the leadership's WhatsApp number, E.164 (migration 0020):
    # the draft-waiting notice, the head's digest and the escalation summaries go there too.
    whatsapp: Mapped[str | None] = mapped_column(String(32))
    pokja_id: Mapped[int | None] = mapped_column(ForeignKey("pokja.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Bumped by sign-out and a password reset: every console session of an older
    # version is over (sessions are signed cookies that carry the version).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    pokja: Mapped[Pokja | None] = relationship()


class LoginAttempt(Base):
    """A failed sign-in: its username, client address and, when the browser had signed in
    as that user before, its device token; the throttle counts these rows.

    Kept in the database so that every gunicorn worker sees the same count.
    """

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    # The signed device cookie's token (migration 0008); None for an unknown browser.
    device: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


Index("ix_login_attempts_key", LoginAttempt.username, LoginAttempt.ip, LoginAttempt.at)
# The per-address throttle counts failures of one address over every username.
Index("ix_login_attempts_ip", LoginAttempt.ip, LoginAttempt.at)
# Every failure deletes the rows older than the throttle needs (a range on ``at``).
Index("ix_login_attempts_at", LoginAttempt.at)


class ApiKey(Base):
    """A key an outside application (an Open311 client) files requests with.

    Only the key's sha256 is stored; the key itself is shown once, when it is made
    (accounts.apikeys). Revoked keys stay, so the history keeps their label.
    """

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The key's first characters, to tell keys apart in the console without the secret.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
