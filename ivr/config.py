"""The IVR's settings, and what the IVR needs from the composition root, passed in
explicitly."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from feedback.replies import FeedbackPolicy
from ivr.cache import RenderedTwiml, TtlValue
from prompts import Catalog


class MenuCategory(NamedTuple):
    id: int
    name: str
    ivr_digit: int


@dataclass
class ReferenceCache:
    settings: TtlValue[dict[str, str]]
    categories: TtlValue[list[MenuCategory]]
    twiml: RenderedTwiml = field(default_factory=RenderedTwiml)

    @classmethod
    def for_seconds(cls, seconds: float) -> ReferenceCache:
        return cls(TtlValue(seconds), TtlValue(seconds))


class IvrSettings(BaseModel):
    model_config = ConfigDict(frozen=True, alias_generator=str.upper)

    # <Say language>: Twilio's Google voices speak Indonesian as id-ID.
    tts_language: str = "id-ID"
    # <Gather timeout>: seconds of silence before the menu goes on without input.
    gather_timeout_seconds: int = Field(6, ge=1, le=60)
    # Seconds a process keeps the hotline settings and categories (0: read every time).
    cache_seconds: int = Field(5, ge=0, le=3600, validation_alias="IVR_CACHE_SECONDS")


@dataclass(frozen=True)
class IvrConfig:
    auth_token: str
    # When set, signatures are checked against this origin instead of the request's own.
    public_base_url: str | None
    settings: IvrSettings
    timezone: str
    catalog: Catalog
    # Defaults of the console-editable settings (agency name, office hours, ...).
    hotline_defaults: Mapping[str, str]
    # The request's session: the request commits it (hotline.app), views never do.
    db: Callable[[], Session]
    # "Is it fixed?" on the status line: the reopen limit and the office's zone.
    feedback: FeedbackPolicy
    cache: ReferenceCache = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cache", ReferenceCache.for_seconds(self.settings.cache_seconds))
