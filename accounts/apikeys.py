"""API keys for outside applications (Open311 clients): made, labelled and revoked by
admins (console or CLI), checked on every use.

A key is 32 random bytes (URL-safe base64, 43 characters) shown once when it is made;
only its sha256 is stored, so a copy of the database does not hand out working keys.
A random key needs no slow hash: nobody can guess it from its sha256.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.models import ApiKey
from tickets.clock import utcnow
from tickets.errors import InvalidInput, NotFound
from tickets.lifecycle import Principal
from tickets.models import Role
from tickets.permissions import require_role
from tickets.text import clean_name

MAX_LABEL = 100
MAX_KEY_LENGTH = 100


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.revoked_at.is_not(None),
                                                        ApiKey.created_at.desc())))


def create_key(session: Session, label: str, created_by: Principal | None = None,
               ) -> tuple[ApiKey, str]:
    """A new key labelled ``label`` (who uses it); returns the row and the key itself,
    which is never shown again. ``created_by`` None: the CLI (an operator of the server)."""
    if created_by is not None:
        require_role(created_by, Role.ADMIN)
    label = clean_name(label, field="label", max_len=MAX_LABEL, label="Label")
    if not label:
        raise InvalidInput("label", "Label kunci wajib diisi (siapa pemakainya).")
    key = secrets.token_urlsafe(32)
    row = ApiKey(label=label, key_hash=_digest(key), prefix=key[:8], created_at=utcnow(),
                 created_by_id=created_by.id if created_by else None)
    session.add(row)
    session.flush()
    return row, key


def revoke_key(session: Session, key_id: int, revoked_by: Principal | None = None) -> ApiKey:
    if revoked_by is not None:
        require_role(revoked_by, Role.ADMIN)
    row = session.get(ApiKey, key_id)
    if row is None:
        raise NotFound(f"Kunci API {key_id} tidak ditemukan.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    session.flush()
    return row


def authenticate(session: Session, key: str, now: datetime | None = None) -> ApiKey | None:
    """The active key ``key``, its last use stamped; None for an unknown or revoked one."""
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == _digest(key)))
    if row is None or row.revoked_at is not None:
        return None
    row.last_used_at = now or utcnow()
    session.flush()
    return row


def key_fingerprint(key: str) -> str:
    """What the rate limiter counts a key by (its digest, never the key)."""
    return _digest(key.strip())[:32]
