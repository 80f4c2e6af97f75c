"""The messaging settings (docs/messaging.md), and what the adapter needs from the
composition root, passed in explicitly."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from feedback.replies import FeedbackPolicy
from messaging.conversations import ConversationPolicy
from prompts import Catalog


class MessagingSettings(BaseModel):
    """Complaints by WhatsApp and SMS: each field is the variable ``MESSAGE_<FIELD>``."""

    model_config = ConfigDict(frozen=True, alias_generator=lambda name: f"MESSAGE_{name.upper()}")

    idle_minutes: int = Field(30, ge=1, le=24 * 60)
    # Messages per sender per window (docs/messaging.md, Limits).
    rate_limit: int = Field(30, ge=1, le=10000)
    rate_window_seconds: int = Field(600, ge=1, le=86400)
    max_chars: int = Field(1600, ge=10, le=100000)
    max_media: int = Field(10, ge=0, le=100)
    media_max_bytes: int = Field(16 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024)

    def policy(self, tz: str, feedback: FeedbackPolicy | None) -> ConversationPolicy:
        return ConversationPolicy(
            tz=tz, idle=timedelta(minutes=self.idle_minutes), rate_limit=self.rate_limit,
            rate_window=timedelta(seconds=self.rate_window_seconds), max_chars=self.max_chars,
            max_media=self.max_media, feedback=feedback)


@dataclass(frozen=True)
class MessagingConfig:
    auth_token: str
    # When set, signatures are checked against this origin instead of the request's own.
    public_base_url: str | None
    catalog: Catalog
    hotline_defaults: Mapping[str, str]
    policy: ConversationPolicy
    # The request's session: the request commits it (hotline.app), views never do.
    db: Callable[[], Session]
    # Development: media may be served from any path on a loopback host (hotline chat).
    loopback_media: bool = False
