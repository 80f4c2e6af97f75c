"""What the Open311 API needs from the composition root."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from portal.config import PortalSettings


@dataclass(frozen=True)
class Open311Config:
    db: Callable[[], Session]
    settings: PortalSettings
    timezone: str
    hotline_defaults: Mapping[str, str]
    public_base_url: str | None
    # Where the rate-limit counters live (Redis in production: one count for all workers).
    ratelimit_storage: str
