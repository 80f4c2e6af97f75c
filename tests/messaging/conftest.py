"""Fixtures for complaints by message: a citizen writing through the chat simulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from devtools.chat_simulator import ChatSimulator, MediaPeer
from hotline.settings import Settings
from tests.agents.conftest import agent, operator, pokja  # noqa: F401  (console sessions)


@pytest.fixture
def media_peer(settings: Settings) -> Iterator[MediaPeer]:
    with MediaPeer(settings.twilio_account_sid, settings.twilio_auth_token) as peer:
        yield peer


@pytest.fixture
def citizen(live_server: str, settings: Settings,
            media_peer: MediaPeer) -> Callable[..., ChatSimulator]:
    """``citizen(whatsapp=True)``: one sender writing to the live hotline."""

    def make(**options: object) -> ChatSimulator:
        return ChatSimulator(live_server, settings.twilio_auth_token,
                             account_sid=settings.twilio_account_sid, peer=media_peer,
                             **options)  # type: ignore[arg-type]

    return make
