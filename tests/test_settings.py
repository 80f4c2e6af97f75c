from __future__ import annotations

import pytest

from hotline.settings import ConfigError, load_settings

PROD = {
    "HOTLINE_ENV": "production",
    "DATABASE_URL": "postgresql+psycopg://u@db/suarawarga",
    "SECRET_KEY": "x" * 40,
    "TWILIO_ACCOUNT_SID": "AC" + "12" * 16,
    "TWILIO_AUTH_TOKEN": "token",
}


def test_the_embedded_default_needs_no_settings():
    settings = load_settings({})
    assert settings.embedded
    assert settings.database_url.startswith("sqlite:///")


@pytest.mark.parametrize("missing", ["DATABASE_URL", "SECRET_KEY", "TWILIO_AUTH_TOKEN",
                                     "TWILIO_ACCOUNT_SID"])
def test_production_names_each_missing_setting(missing):
    env = {k: v for k, v in PROD.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        load_settings(env)


@pytest.mark.parametrize(("name", "value"), [
    ("RECORD_MAX_SECONDS", "lama"),
    ("RECORD_MAX_SECONDS", "5"),
    ("OFFICE_HOURS", "Senin-Jumat"),
    ("OFFICE_HOURS", "1-5 17:00-08:00"),
    ("REDIS_URL", "http://127.0.0.1:6379"),
    ("PUBLIC_BASE_URL", "hotline.example.id"),
    ("SPEECH_ENGINE", "google"),
    ("OFFICE_TIMEZONE", "Asia/Atlantis"),
    ("OPERATOR_NUMBER", "call me"),
    ("SPEECH_VAD", "maybe"),
    ("TWILIO_ACCOUNT_SID", "AC123"),
    ("TWILIO_API_BASE", "api.twilio.com"),
])
def test_a_malformed_setting_is_named(name, value):
    with pytest.raises(ConfigError, match=name):
        load_settings({name: value})


def test_a_short_production_secret_is_refused():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings({**PROD, "SECRET_KEY": "short"})


def test_public_base_url_loses_its_trailing_slash():
    assert load_settings({"PUBLIC_BASE_URL": "https://h.example.id/"}).public_base_url == (
        "https://h.example.id")


def test_production_fetches_recordings_from_an_https_twilio_api_only():
    with pytest.raises(ConfigError, match="TWILIO_API_BASE must be an https URL"):
        load_settings({**PROD, "TWILIO_API_BASE": "http://127.0.0.1:8080"})
    assert load_settings({**PROD, "TWILIO_API_BASE": "https://api.twilio.example/"}
                         ).twilio_api_base == "https://api.twilio.example"
    # Development keeps the loopback peer the simulator and the tests use.
    assert load_settings({"TWILIO_API_BASE": "http://127.0.0.1:8080"}).twilio_api_base
