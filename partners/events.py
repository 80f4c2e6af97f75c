"""What happens to a partner question, for the listeners (the notifications)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PartnerAsked:
    """A pokja asked a partner: the partner is to get ``link`` (shown nowhere else)."""

    request_id: int
    link: str


@dataclass(frozen=True)
class PartnerAnswered:
    """A partner answered through its link: the pokja is to be told."""

    request_id: int
