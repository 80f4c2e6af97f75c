"""The settings of complaints by message (docs/messaging.md), read through
:mod:`hotline.settings`' environment reader (the only one that touches ``os.environ``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol


class Env(Protocol):
    def str(self, name: str, default: str | None = None, *,
            required: bool = False) -> str | None: ...

    def int(self, name: str, default: int, *, lo: int, hi: int) -> int: ...


@dataclass(frozen=True)
class MessagingSettings:
    """Complaints by WhatsApp and SMS (see docs/messaging.md)."""

    idle_minutes: int
    rate_limit: int
    rate_window_seconds: int
    max_chars: int
    max_media: int
    media_max_bytes: int
    # An approved WhatsApp template for updates outside the 24-hour window, and the
    # name of the variable in it that carries the update text.
    whatsapp_template_sid: str | None
    whatsapp_template_variable: str



def messaging_settings(e: Env) -> MessagingSettings:
    """Raises ValueError (``load_settings`` makes it a ConfigError) on a bad value."""
    template = e.str("TWILIO_WHATSAPP_TEMPLATE_SID")
    if template and not re.fullmatch(r"HX[0-9a-fA-F]{32}", template):
        raise ValueError(
            f"TWILIO_WHATSAPP_TEMPLATE_SID must be HX and 32 hex digits, got {template!r}")
    return MessagingSettings(
        idle_minutes=e.int("MESSAGE_IDLE_MINUTES", 30, lo=1, hi=24 * 60),
        rate_limit=e.int("MESSAGE_RATE_LIMIT", 30, lo=1, hi=10000),
        rate_window_seconds=e.int("MESSAGE_RATE_WINDOW_SECONDS", 600, lo=1, hi=86400),
        max_chars=e.int("MESSAGE_MAX_CHARS", 1600, lo=10, hi=100000),
        max_media=e.int("MESSAGE_MAX_MEDIA", 10, lo=0, hi=100),
        media_max_bytes=e.int("MESSAGE_MEDIA_MAX_BYTES", 16 * 1024 * 1024, lo=1024,
                              hi=100 * 1024 * 1024),
        whatsapp_template_sid=template,
        whatsapp_template_variable=e.str("TWILIO_WHATSAPP_TEMPLATE_VARIABLE", "1") or "1",
    )
