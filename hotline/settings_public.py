"""The settings of the public site and Open311 (docs/public.md), read through
:mod:`hotline.settings`' environment reader (the only one that touches ``os.environ``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from limits import parse_many


class Env(Protocol):
    def str(self, name: str, default: str | None = None, *,
            required: bool = False) -> str | None: ...


@dataclass(frozen=True)
class PublicSettings:
    """The public site and Open311 (see docs/public.md)."""

    hotline_number: str | None
    whatsapp_number: str | None
    lookup_limit: str
    open311_post_limit: str

    def ratelimit_storage(self, redis_url: str | None) -> str:
        """Where rate-limit counters live: Redis when there is one (every gunicorn worker
        counts together), else each process's memory (the embedded mode)."""
        return redis_url or "memory://"


def _rate(e: Env, name: str, default: str) -> str:
    value = e.str(name, default) or default
    try:
        parse_many(value)
    except ValueError:
        raise ValueError(f"{name} must be a rate like '10/minute;60/hour', got {value!r}"
                         ) from None
    return value


def public_settings(e: Env, phone: Callable[[str], str | None]) -> PublicSettings:
    """``phone(NAME)`` reads a phone-number setting (E.164, or a ConfigError)."""
    return PublicSettings(
        hotline_number=phone("HOTLINE_NUMBER") or phone("TWILIO_SMS_FROM"),
        whatsapp_number=phone("PUBLIC_WHATSAPP_NUMBER") or phone("TWILIO_WHATSAPP_FROM"),
        lookup_limit=_rate(e, "PUBLIC_LOOKUP_LIMIT", "10/minute;60/hour"),
        open311_post_limit=_rate(e, "OPEN311_POST_LIMIT", "30/minute;1000/day"),
    )
