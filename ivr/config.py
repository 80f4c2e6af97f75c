"""What the IVR needs from the composition root, passed in explicitly."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy.orm import Session

from feedback.replies import FeedbackPolicy
from ivr.cache import TtlValue
from prompts import Catalog


class MenuCategory(NamedTuple):
    id: int
    name: str
    ivr_digit: int


@dataclass
class ReferenceCache:
    settings: TtlValue[dict[str, str]]
    categories: TtlValue[list[MenuCategory]]

    @classmethod
    def for_seconds(cls, seconds: float) -> ReferenceCache:
        return cls(TtlValue(seconds), TtlValue(seconds))


@dataclass(frozen=True)
class IvrConfig:
    auth_token: str
    # When set, signatures are checked against this origin instead of the request's own.
    public_base_url: str | None
    tts_language: str
    gather_timeout_seconds: int
    timezone: str
    catalog: Catalog
    # Defaults of the console-editable settings (agency name, office hours, ...).
    hotline_defaults: Mapping[str, str]
    # The request's session: the request commits it (hotline.app), views never do.
    db: Callable[[], Session]
    # "Is it fixed?" on the status line: the reopen limit and the office's zone.
    feedback: FeedbackPolicy
    # Seconds a process keeps the hotline settings and categories (0: read every time).
    cache_seconds: float = 5.0
    cache: ReferenceCache = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cache", ReferenceCache.for_seconds(self.cache_seconds))
