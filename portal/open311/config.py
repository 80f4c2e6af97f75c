"""What the Open311 API needs from the composition root."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Open311Config:
    db: Callable[[], Session]
    timezone: str
    hotline_defaults: Mapping[str, str]
    public_base_url: str | None
    hotline_number: str | None
    post_limit: str
    ratelimit_storage: str
