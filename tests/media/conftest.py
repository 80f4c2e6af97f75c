"""Fixtures for the media pipeline: message media come from the chat simulator's peer."""

from tests.messaging.conftest import citizen, media_peer  # noqa: F401  (the chat and its peer)
