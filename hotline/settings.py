"""Every setting, read from the environment once, typed, and checked at startup.

This is the only module that reads ``os.environ``. A missing or malformed
value raises :class:`ConfigError` naming the variable, so a misconfigured
deployment stops at startup instead of failing on the first call.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from accounts.passwords import MIN_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH_PRODUCTION
from hotline.settings_messaging import MessagingSettings, messaging_settings
from hotline.settings_public import PublicSettings, public_settings
from tickets.contacts import is_mailbox, to_e164
from tickets.sla import OfficeHours

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"
# The development defaults. They are published (here and in the README), so nothing
# reachable from another machine may run with them: see ``refuse_published_secrets``.
DEV_SECRET_KEY = "dev-only-secret-key-change-me"
DEV_AUTH_TOKEN = "suarawarga-dev-token"
DEV_ACCOUNT_SID = "AC" + "0" * 32


class ConfigError(Exception):
    pass


_URL_PASSWORD = re.compile(r"^(?P<head>[a-zA-Z][\w+.-]*://[^:@/]*:).*@(?P<tail>[^@]*)$",
                           re.DOTALL)


def mask_url(url: str) -> str:
    """``url`` with its password replaced by ``***``, fit to print or log.

    Everything up to the last ``@`` is taken as the password, so a password with an
    unescaped ``@`` is masked whole rather than in part.
    """
    return _URL_PASSWORD.sub(r"\g<head>***@\g<tail>", url)


def is_loopback(host: str) -> bool:
    """Whether a server bound to ``host`` is reachable from this machine only."""
    host = host.strip().strip("[]")
    if host == "localhost" or host.startswith("unix:"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name, "0.0.0.0"-like wildcard or another machine's address


class _Env:
    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env

    def str(self, name: str, default: str | None = None, *, required: bool = False) -> str | None:
        value = self.env.get(name, "").strip()
        if value:
            return value
        if required:
            raise ConfigError(f"{name} must be set")
        return default

    def int(self, name: str, default: int, *, lo: int, hi: int) -> int:
        raw = self.str(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
        if not lo <= value <= hi:
            raise ConfigError(f"{name} must be between {lo} and {hi}, got {value}")
        return value

    def bool(self, name: str, default: bool) -> bool:
        raw = self.str(name)
        if raw is None:
            return default
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name} must be true or false, got {raw!r}")

    def url(self, name: str, default: str | None = None, *, schemes: tuple[str, ...],
            required: bool = False) -> str | None:
        value = self.str(name, default, required=required)
        if value is None:
            return None
        parsed = urlparse(value)
        if parsed.scheme.split("+")[0] not in schemes:
            raise ConfigError(
                f"{name} must be a {'/'.join(schemes)} URL, got {mask_url(value)!r}")
        if parsed.scheme.startswith("http") and not parsed.netloc:
            raise ConfigError(f"{name} must be an absolute URL, got {mask_url(value)!r}")
        return value.rstrip("/") if parsed.scheme.startswith("http") else value


@dataclass(frozen=True)
class NotifySettings:
    """Outgoing SMS, voice updates, WhatsApp and e-mail (see docs/notify.md)."""

    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_starttls: bool
    mail_from: str | None
    twilio_sms_from: str | None
    twilio_whatsapp_from: str | None
    voice_updates: bool
    sla_warning_days: int
    supervisor_digest_hour: int
    max_attempts: int
    stale_sending_seconds: int


@dataclass(frozen=True)
class Settings:
    env: str
    database_url: str
    redis_url: str | None
    secret_key: str
    twilio_account_sid: str
    twilio_auth_token: str
    twilio_api_base: str | None
    public_base_url: str | None
    recordings_dir: Path
    queue_dir: Path
    agency_name: str
    office_hours: OfficeHours
    timezone: str
    operator_number: str | None
    tts_voice: str
    tts_language: str
    record_max_seconds: int
    gather_timeout_seconds: int
    ivr_cache_seconds: int
    speech_engine: str
    speech_model: str | None
    speech_beam_size: int
    speech_vad: bool
    speech_threads: int
    speech_vocabulary: tuple[str, ...]
    speech_max_audio_seconds: int
    delete_twilio_recordings: bool
    # Reopenings by the reporter that go back to the pokja; the next goes to supervisors.
    feedback_reopen_limit: int
    login_max_attempts: int
    login_max_attempts_per_address: int
    trusted_proxy_hops: int
    session_cookie_secure: bool
    host: str
    port: int
    notify: NotifySettings
    messaging: MessagingSettings
    public: PublicSettings

    @property
    def embedded(self) -> bool:
        """No Redis: the queue lives on the local disk and `hotline run` starts the worker."""
        return self.redis_url is None

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def min_password_length(self) -> int:
        """The shortest password a user may be given (accounts.passwords has the rule)."""
        return MIN_PASSWORD_LENGTH_PRODUCTION if self.production else MIN_PASSWORD_LENGTH

    def published_secrets(self) -> list[str]:
        """The variables still at a published development value.

        The account SID is no secret (it names the account, the token proves it) and
        the development one marks "no Twilio", so it counts only in production.
        """
        names = [name for name, value, dev in (
            ("SECRET_KEY", self.secret_key, DEV_SECRET_KEY),
            ("TWILIO_AUTH_TOKEN", self.twilio_auth_token, DEV_AUTH_TOKEN),
            ("TWILIO_ACCOUNT_SID", self.twilio_account_sid, DEV_ACCOUNT_SID),
        ) if value == dev]
        return names if self.production else [n for n in names if n != "TWILIO_ACCOUNT_SID"]

    def refuse_published_secrets(self, host: str) -> None:
        """Refuse to serve on a non-loopback ``host`` with a published secret.

        With the development SECRET_KEY anyone can sign a console session cookie (and be
        admin); with the development auth token anyone can sign Twilio webhooks and file
        or read tickets. Production refuses them whatever the host (``load_settings``).
        """
        if is_loopback(host):
            return
        published = self.published_secrets()
        if published:
            raise ConfigError(
                f"refusing to serve on {host}, reachable from other machines, with the "
                f"published development value of {', '.join(published)}: set "
                f"{' and '.join(published)} (SECRET_KEY: 32+ random characters, e.g. "
                "python -c 'import secrets; print(secrets.token_hex(32))'), or serve on "
                "127.0.0.1")


    def hotline_defaults(self) -> dict[str, str]:
        """The hotline settings an admin may override in the console."""
        return {
            "agency_name": self.agency_name,
            "office_hours": str(self.office_hours),
            "operator_number": self.operator_number or "",
            "tts_voice": self.tts_voice,
            "record_max_seconds": str(self.record_max_seconds),
        }


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    e = _Env(os.environ if env is None else env)
    mode = e.str("HOTLINE_ENV", "development")
    if mode not in ("development", "production"):
        raise ConfigError(f"HOTLINE_ENV must be development or production, got {mode!r}")
    prod = mode == "production"

    tz = e.str("OFFICE_TIMEZONE", "Asia/Jakarta") or "Asia/Jakarta"
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"OFFICE_TIMEZONE is not a known time zone: {tz!r}") from None

    secret = e.str("SECRET_KEY", None if prod else DEV_SECRET_KEY, required=prod)
    assert secret is not None
    if prod and len(secret) < 32:
        raise ConfigError("SECRET_KEY must be at least 32 characters in production")
    public_base_url = e.url("PUBLIC_BASE_URL", schemes=("http", "https"), required=prod)
    if prod and not (public_base_url or "").startswith("https://"):
        raise ConfigError(
            "PUBLIC_BASE_URL must be the https origin of the TLS proxy in production, got "
            f"{public_base_url!r}")

    engine = e.str("SPEECH_ENGINE", "whisper") or "whisper"
    if engine not in ("whisper", "vosk", "none"):
        raise ConfigError(f"SPEECH_ENGINE must be whisper, vosk or none, got {engine!r}")

    operator = _phone(e, "OPERATOR_NUMBER", strict=True)

    vocabulary = tuple(
        w.strip() for w in (e.str("SPEECH_VOCABULARY", "") or "").split(",") if w.strip()
    )
    settings = Settings(
        env=mode,
        database_url=e.url(
            "DATABASE_URL", None if prod else f"sqlite:///{VAR_DIR / 'suarawarga.db'}",
            schemes=("sqlite", "postgresql"), required=prod,
        ) or "",
        redis_url=e.url("REDIS_URL", schemes=("redis", "rediss")),
        secret_key=secret,
        twilio_account_sid=_account_sid(e, prod),
        twilio_auth_token=e.str("TWILIO_AUTH_TOKEN", None if prod else DEV_AUTH_TOKEN,
                                required=prod) or "",
        twilio_api_base=_twilio_api_base(e, prod),
        public_base_url=public_base_url,
        recordings_dir=Path(e.str("RECORDINGS_DIR", str(VAR_DIR / "recordings")) or ""),
        queue_dir=Path(e.str("QUEUE_DIR", str(VAR_DIR / "queue")) or ""),
        agency_name=e.str("AGENCY_NAME", "Pemerintah Kabupaten Contoh") or "",
        office_hours=_office_hours(e.str("OFFICE_HOURS", "1-5 08:00-16:00") or ""),
        timezone=tz,
        operator_number=operator,
        tts_voice=e.str("TTS_VOICE", "Google.id-ID-Standard-A") or "",
        tts_language=e.str("TTS_LANGUAGE", "id-ID") or "",
        record_max_seconds=e.int("RECORD_MAX_SECONDS", 180, lo=10, hi=3600),
        gather_timeout_seconds=e.int("GATHER_TIMEOUT_SECONDS", 6, lo=1, hi=60),
        ivr_cache_seconds=e.int("IVR_CACHE_SECONDS", 5, lo=0, hi=3600),
        speech_engine=engine,
        speech_model=e.str("SPEECH_MODEL"),
        speech_beam_size=e.int("SPEECH_BEAM_SIZE", 5, lo=1, hi=10),
        speech_vad=e.bool("SPEECH_VAD", True),
        speech_threads=e.int("SPEECH_THREADS", 0, lo=0, hi=64),
        speech_vocabulary=vocabulary,
        speech_max_audio_seconds=e.int("SPEECH_MAX_AUDIO_SECONDS", 900, lo=10, hi=7200),
        delete_twilio_recordings=e.bool("DELETE_TWILIO_RECORDINGS", False),
        feedback_reopen_limit=e.int("FEEDBACK_REOPEN_LIMIT", 2, lo=0, hi=20),
        login_max_attempts=e.int("LOGIN_MAX_ATTEMPTS", 5, lo=1, hi=100),
        login_max_attempts_per_address=e.int("LOGIN_MAX_ATTEMPTS_PER_ADDRESS", 20, lo=1,
                                             hi=10000),
        trusted_proxy_hops=e.int("TRUSTED_PROXY_HOPS", 0, lo=0, hi=5),
        session_cookie_secure=e.bool("SESSION_COOKIE_SECURE", prod),
        host=e.str("HOST", "127.0.0.1") or "127.0.0.1",
        port=e.int("PORT", 5000, lo=1, hi=65535),
        notify=_notify(e),
        messaging=_messaging(e),
        public=_public(e),
    )
    if prod:
        published = settings.published_secrets()
        if published:
            raise ConfigError(
                f"{', '.join(published)} must not be the published development value in "
                "production")
    return settings


def _phone(e: _Env, name: str, *, strict: bool = False) -> str | None:
    """A phone number setting, normalised to E.164 (``strict``: it must exist in its plan;
    otherwise a possible number, as Twilio's test numbers are)."""
    value = e.str(name)
    if not value:
        return None
    try:
        return to_e164(value, strict=strict)
    except ValueError:
        raise ConfigError(
            f"{name} must be a phone number like +62215551234, got {value!r}") from None


def _public(e: _Env) -> PublicSettings:
    try:
        return public_settings(e, lambda name: _phone(e, name))
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _notify(e: _Env) -> NotifySettings:
    smtp_host = e.str("SMTP_HOST")
    mail_from = e.str("MAIL_FROM", required=smtp_host is not None)
    if mail_from and not is_mailbox(mail_from):
        raise ConfigError(f"MAIL_FROM must be an e-mail address, got {mail_from!r}")
    user, password = e.str("SMTP_USER"), e.str("SMTP_PASSWORD")
    if user and not password:
        raise ConfigError("SMTP_PASSWORD must be set when SMTP_USER is")
    port = e.int("SMTP_PORT", 587, lo=1, hi=65535)
    return NotifySettings(
        smtp_host=smtp_host,
        smtp_port=port,
        smtp_user=user,
        smtp_password=password,
        smtp_starttls=e.bool("SMTP_STARTTLS", port == 587),
        mail_from=mail_from,
        twilio_sms_from=_phone(e, "TWILIO_SMS_FROM"),
        twilio_whatsapp_from=_phone(e, "TWILIO_WHATSAPP_FROM"),
        voice_updates=e.bool("NOTIFY_VOICE_UPDATES", False),
        sla_warning_days=e.int("NOTIFY_SLA_WARNING_DAYS", 1, lo=0, hi=5),
        supervisor_digest_hour=e.int("SUPERVISOR_DIGEST_HOUR", 7, lo=0, hi=23),
        max_attempts=e.int("NOTIFY_MAX_ATTEMPTS", 8, lo=1, hi=50),
        stale_sending_seconds=e.int("NOTIFY_STALE_SENDING_SECONDS", 600, lo=1, hi=86400),
    )


def _messaging(e: _Env) -> MessagingSettings:
    try:
        return messaging_settings(e)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _account_sid(e: _Env, prod: bool) -> str:
    """Recordings are fetched only when their URL names this account, so a typo here
    would fail every download: it fails startup instead."""
    value = e.str("TWILIO_ACCOUNT_SID", None if prod else DEV_ACCOUNT_SID, required=prod) or ""
    if not re.fullmatch(r"AC[0-9a-fA-F]{32}", value):
        raise ConfigError(f"TWILIO_ACCOUNT_SID must be AC and 32 hex digits, got {value!r}")
    return value


def _twilio_api_base(e: _Env, prod: bool) -> str | None:
    """Recordings are fetched with the account's credentials from this origin only, so
    production insists on https (plain http and loopback are for the simulator)."""
    value = e.url("TWILIO_API_BASE", schemes=("http", "https"))
    if prod and value and not value.startswith("https://"):
        raise ConfigError(
            f"TWILIO_API_BASE must be an https URL in production, got {mask_url(value)!r}")
    return value


def _office_hours(raw: str) -> OfficeHours:
    try:
        return OfficeHours.parse(raw)
    except ValueError as exc:
        raise ConfigError(f"OFFICE_HOURS: {exc}") from None
