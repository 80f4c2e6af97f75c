from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import AliasChoices, BaseModel

from hotline.settings import (
    DEV_ACCOUNT_SID,
    DEV_AUTH_TOKEN,
    DEV_SECRET_KEY,
    ConfigError,
    is_loopback,
    load_settings,
    mask_url,
)

PROD = {
    "HOTLINE_ENV": "production",
    "DATABASE_URL": "postgresql+psycopg://u@db/suarawarga",
    "SECRET_KEY": "x" * 40,
    "TWILIO_ACCOUNT_SID": "AC" + "12" * 16,
    "TWILIO_AUTH_TOKEN": "token",
    "PUBLIC_BASE_URL": "https://hotline.example.go.id",
    "REDIS_URL": "redis://redis:6379/0",
}


def test_the_embedded_default_needs_no_settings():
    settings = load_settings({})
    assert settings.embedded
    assert settings.database_url.startswith("sqlite:///")


@pytest.mark.parametrize("missing", ["DATABASE_URL", "SECRET_KEY", "TWILIO_AUTH_TOKEN",
                                     "TWILIO_ACCOUNT_SID", "PUBLIC_BASE_URL"])
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


def test_a_complete_production_configuration_loads():
    settings = load_settings(PROD)
    assert settings.production and settings.min_password_length == 12
    assert settings.published_secrets() == []


@pytest.mark.parametrize(("name", "published"), [
    ("SECRET_KEY", DEV_SECRET_KEY),
    ("TWILIO_AUTH_TOKEN", DEV_AUTH_TOKEN),
    ("TWILIO_ACCOUNT_SID", DEV_ACCOUNT_SID),
])
def test_production_refuses_each_published_development_value(name, published):
    with pytest.raises(ConfigError, match=name):
        load_settings({**PROD, name: published})


@pytest.mark.parametrize("url", ["http://hotline.example.go.id", "hotline.example.go.id"])
def test_production_needs_an_https_public_base_url(url):
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        load_settings({**PROD, "PUBLIC_BASE_URL": url})


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "hotline.lan", ""])
def test_serving_beyond_loopback_refuses_the_published_secrets(host):
    settings = load_settings({})
    with pytest.raises(ConfigError) as refused:
        settings.refuse_published_secrets(host)
    assert "SECRET_KEY" in str(refused.value) and "TWILIO_AUTH_TOKEN" in str(refused.value)
    # The development SID names no one's account: it is not what an attacker needs.
    assert "TWILIO_ACCOUNT_SID" not in str(refused.value)
    own = load_settings({"SECRET_KEY": "s" * 40, "TWILIO_AUTH_TOKEN": "own-token"})
    own.refuse_published_secrets(host)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.1.1", "localhost", "::1", "[::1]",
                                  "unix:/run/hotline.sock"])
def test_loopback_serves_with_the_development_defaults(host):
    assert is_loopback(host)
    load_settings({}).refuse_published_secrets(host)


def test_a_non_loopback_host_setting_is_checked_by_hotline_run_not_by_every_command():
    settings = load_settings({"HOST": "0.0.0.0", "PORT": "8080"})
    assert (settings.host, settings.port) == ("0.0.0.0", 8080)


def test_proxy_hops_and_the_address_limit_are_read():
    settings = load_settings({"TRUSTED_PROXY_HOPS": "1", "LOGIN_MAX_ATTEMPTS_PER_ADDRESS": "7"})
    assert (settings.trusted_proxy_hops, settings.agents.login_max_attempts_per_address) == (1, 7)
    assert load_settings({}).trusted_proxy_hops == 0
    with pytest.raises(ConfigError, match="TRUSTED_PROXY_HOPS"):
        load_settings({"TRUSTED_PROXY_HOPS": "-1"})


@pytest.mark.parametrize(("url", "masked"), [
    ("postgresql+psycopg://suarawarga:s3cret@postgres:5432/suarawarga",
     "postgresql+psycopg://suarawarga:***@postgres:5432/suarawarga"),
    ("redis://:r3dis@redis:6379/0", "redis://:***@redis:6379/0"),
    # An unescaped "@" in the password: all of it is masked, not a part.
    ("postgresql://u:p@ss/w@rd@db/x", "postgresql://u:***@db/x"),
    ("postgresql+psycopg://postgres@127.0.0.1:5432/test",
     "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    ("sqlite:////var/lib/suarawarga.db", "sqlite:////var/lib/suarawarga.db"),
])
def test_a_url_password_is_masked(url, masked):
    assert mask_url(url) == masked


def test_a_malformed_url_setting_is_named_without_its_password():
    with pytest.raises(ConfigError, match="DATABASE_URL") as refused:
        load_settings({"DATABASE_URL": "mysql://hotline:topsecret@db/suarawarga"})
    assert "topsecret" not in str(refused.value) and "hotline:***@db" in str(refused.value)


# --- rate limits: one count for every gunicorn worker in production ---------------------------

def test_production_refuses_rate_limits_counted_in_memory():
    without_redis = {k: v for k, v in PROD.items() if k != "REDIS_URL"}
    with pytest.raises(ConfigError) as refused:
        load_settings(without_redis)
    assert "REDIS_URL" in str(refused.value) and "RATELIMIT_STORAGE_URL" in str(refused.value)
    assert "each worker" in str(refused.value)
    # Naming memory outright is refused too, even with a Redis for the queue.
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URL"):
        load_settings({**PROD, "RATELIMIT_STORAGE_URL": "memory://"})


def test_production_counts_in_the_queue_redis_or_the_one_named_for_the_limits():
    assert load_settings(PROD).ratelimit_storage == "redis://redis:6379/0"
    own = {**PROD, "RATELIMIT_STORAGE_URL": "redis://limits:6379/3"}
    assert load_settings(own).ratelimit_storage == "redis://limits:6379/3"
    # The queue may stay embedded as long as the limits count in Redis.
    embedded = {k: v for k, v in own.items() if k != "REDIS_URL"}
    assert load_settings(embedded).embedded


def test_development_keeps_counting_in_memory_unless_there_is_a_redis():
    assert load_settings({}).ratelimit_storage == "memory://"
    assert load_settings({"REDIS_URL": "redis://127.0.0.1:6379/2"}).ratelimit_storage == (
        "redis://127.0.0.1:6379/2")


def test_a_rate_limit_storage_that_is_not_redis_is_named():
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URL must be a redis"):
        load_settings({"RATELIMIT_STORAGE_URL": "memcached://cache:11211"})


# --- one declaration per variable -------------------------------------------------------------

def _declared(model: type[BaseModel]) -> list[str]:
    """Every variable ``model`` (and the domains' models in it) reads."""
    names: list[str] = []
    for field in model.model_fields.values():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            names += _declared(field.annotation)
        elif isinstance(field.validation_alias, AliasChoices):
            names += [str(choice) for choice in field.validation_alias.choices]
        else:
            names.append(str(field.validation_alias or field.alias))
    return names


def test_each_variable_is_declared_once_by_one_domain():
    from hotline.settings import Settings

    names = _declared(Settings)
    # The public site shows the numbers notifications are sent from unless told others.
    fallbacks = {"TWILIO_SMS_FROM", "TWILIO_WHATSAPP_FROM"}
    assert sorted({n for n in names if names.count(n) > 1} - fallbacks) == []
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", n) for n in names), names


def test_every_variable_the_compose_file_and_env_example_set_is_a_setting():
    from hotline.settings import Settings

    root = Path(__file__).resolve().parents[2]
    compose = (root / "docker-compose.yml").read_text()
    hotline_env = compose.split("x-hotline-env: &hotline-env", 1)[1].split("\n\n", 1)[0]
    set_there = set(re.findall(r"^  ([A-Z][A-Z0-9_]*):", hotline_env, re.M))
    # .env.example also feeds compose itself (its ports, the postgres service, the models).
    compose_only = {"POSTGRES_PASSWORD", "WEB_PORT", "WEB_BIND", "VOSK_MODEL"}
    set_there |= set(re.findall(r"^([A-Z][A-Z0-9_]*)=", (root / ".env.example").read_text(),
                                re.M)) - compose_only
    assert sorted(set_there - set(_declared(Settings))) == []


def test_a_blank_value_counts_as_unset():
    """docker-compose passes ``${OPERATOR_NUMBER:-}`` as an empty string."""
    settings = load_settings({"OPERATOR_NUMBER": "", "SMTP_PORT": "  ", "SPEECH_ENGINE": "",
                              "TWILIO_WHATSAPP_TEMPLATE_SID": ""})
    assert settings.operator_number is None and settings.notify.smtp_port == 587
    assert settings.speech.engine == "whisper" and settings.notify.whatsapp_template_sid is None


def test_each_domain_reads_its_own_variables():
    settings = load_settings({
        "SPEECH_ENGINE": "vosk", "SPEECH_VOCABULARY": "jalan rusak, lampu jalan ,",
        "SPEECH_THREADS": "2", "GATHER_TIMEOUT_SECONDS": "9", "IVR_CACHE_SECONDS": "0",
        "DELETE_TWILIO_RECORDINGS": "yes", "FEEDBACK_REOPEN_LIMIT": "0",
        "LOGIN_MAX_ATTEMPTS": "3", "HOTLINE_NUMBER": "021 5550123",
    })
    assert settings.speech.engine == "vosk" and settings.speech.threads == 2
    assert settings.speech.vocabulary == ("jalan rusak", "lampu jalan")
    assert (settings.ivr.gather_timeout_seconds, settings.ivr.cache_seconds) == (9, 0)
    assert settings.media.delete_twilio_recordings is True
    assert settings.feedback.policy("Asia/Jayapura").reopen_limit == 0
    assert settings.agents.login_max_attempts == 3
    assert settings.portal.hotline_number == "+62215550123"


def test_the_settings_cannot_be_changed_once_loaded():
    from pydantic import ValidationError

    settings = load_settings({})
    with pytest.raises(ValidationError):
        settings.port = 8080  # type: ignore[misc]
    with pytest.raises(ValidationError):
        settings.notify.smtp_port = 25  # type: ignore[misc]


def test_only_the_settings_module_reads_the_environment():
    root = Path(__file__).resolve().parents[2]
    packages = [p.parent for p in root.glob("*/__init__.py")
                if p.parent.name not in {"tests", "benchmarks"}]
    readers = sorted(str(path.relative_to(root)) for package in packages
                     for path in package.rglob("*.py")
                     if re.search(r"os\.environ|getenv\(", path.read_text(encoding="utf-8"))
                     and path != root / "hotline" / "settings.py")
    assert readers == []
