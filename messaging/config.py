"""What the messaging adapter needs from the composition root, passed in explicitly."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from messaging.conversations import ConversationPolicy
from prompts import Catalog


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
