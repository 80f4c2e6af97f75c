"""What the public site needs from the composition root."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class PublicConfig:
    db: Callable[[], Session]
    timezone: str
    hotline_defaults: Mapping[str, str]
    hotline_number: str | None
    whatsapp_number: str | None
    lookup_limit: str
    ratelimit_storage: str
