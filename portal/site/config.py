"""What the public site needs from the composition root."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from portal.config import PortalSettings


@dataclass(frozen=True)
class PublicConfig:
    db: Callable[[], Session]
    settings: PortalSettings
    timezone: str
    hotline_defaults: Mapping[str, str]
    # Where the rate-limit counters live (Redis in production: one count for all workers).
    ratelimit_storage: str
    # Where stored files live (RECORDINGS_DIR): a published answer's photos and letters.
    media_dir: Path
