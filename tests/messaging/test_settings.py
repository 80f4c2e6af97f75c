"""The messaging settings: defaults, and a bad value stops startup naming the variable."""

from __future__ import annotations

import pytest

from hotline.settings import ConfigError, load_settings


def test_the_defaults():
    m = load_settings({}).messaging
    assert (m.idle_minutes, m.rate_limit, m.rate_window_seconds) == (30, 30, 600)
    assert (m.max_chars, m.max_media, m.media_max_bytes) == (1600, 10, 16 * 1024 * 1024)
    assert m.whatsapp_template_sid is None and m.whatsapp_template_variable == "1"


@pytest.mark.parametrize(("name", "value"), [
    ("TWILIO_WHATSAPP_TEMPLATE_SID", "template-1"),
    ("MESSAGE_IDLE_MINUTES", "0"),
    ("MESSAGE_RATE_LIMIT", "many"),
    ("MESSAGE_MAX_MEDIA", "101"),
])
def test_a_bad_value_names_its_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        load_settings({name: value})


def test_a_template_is_taken():
    sid = "HX" + "a" * 32
    settings = load_settings({"TWILIO_WHATSAPP_TEMPLATE_SID": sid})
    assert settings.messaging.whatsapp_template_sid == sid
