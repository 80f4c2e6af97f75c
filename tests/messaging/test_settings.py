"""The messaging settings: defaults, and a bad value stops startup naming the variable."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hotline.settings import ConfigError, load_settings


def test_the_defaults():
    m = load_settings({}).messaging
    assert (m.idle_minutes, m.rate_limit, m.rate_window_seconds) == (30, 30, 600)
    assert (m.max_chars, m.max_media, m.media_max_bytes) == (1600, 10, 16 * 1024 * 1024)


@pytest.mark.parametrize(("name", "value"), [
    ("MESSAGE_IDLE_MINUTES", "0"),
    ("MESSAGE_RATE_LIMIT", "many"),
    ("MESSAGE_MAX_MEDIA", "101"),
])
def test_a_bad_value_names_its_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        load_settings({name: value})


def test_the_conversation_policy_is_made_from_the_settings():
    settings = load_settings({"MESSAGE_IDLE_MINUTES": "45", "MESSAGE_RATE_WINDOW_SECONDS": "60"})
    policy = settings.messaging.policy("Asia/Makassar", None)
    assert (policy.tz, policy.idle, policy.rate_window) == (
        "Asia/Makassar", timedelta(minutes=45), timedelta(seconds=60))
    assert (policy.rate_limit, policy.max_chars, policy.max_media) == (30, 1600, 10)
