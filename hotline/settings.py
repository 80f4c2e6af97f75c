"""Every setting, read from the environment once, typed, and checked at startup.

Each domain declares its own settings once, in its ``config.py``: a pydantic model whose
fields name their environment variables, with types, defaults and bounds. This module
declares the settings that cut across the domains (the mode, the database, Redis, the
secrets, Twilio's credentials, the console-editable hotline defaults), composes the
domains' into one :class:`Settings`, and keeps the checks that span them: production
refuses the published development secrets and rate limits counted per process.

This is the only module that reads ``os.environ``. A missing or malformed value raises
:class:`ConfigError` naming the variable, so a misconfigured deployment stops at startup
instead of failing on the first call.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    field_validator,
    model_validator,
)

from accounts.passwords import MIN_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH_PRODUCTION
from agents.config import AgentsSettings
from feedback.config import FeedbackSettings
from ivr.config import IvrSettings
from media.config import MediaSettings
from messaging.config import MessagingSettings
from notify.config import NotifySettings
from portal.config import PortalSettings
from speech.config import SpeechSettings
from tickets.contacts import to_e164
from tickets.sla import OfficeHours

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"
# The development defaults. They are published (here and in the README), so nothing
# reachable from another machine may run with them: see ``refuse_published_secrets``.
DEV_SECRET_KEY = "dev-only-secret-key-change-me"
DEV_AUTH_TOKEN = "suarawarga-dev-token"
DEV_ACCOUNT_SID = "AC" + "0" * 32
DEVELOPMENT_DEFAULTS = {
    "DATABASE_URL": f"sqlite:///{VAR_DIR / 'suarawarga.db'}",
    "SECRET_KEY": DEV_SECRET_KEY,
    "TWILIO_ACCOUNT_SID": DEV_ACCOUNT_SID,
    "TWILIO_AUTH_TOKEN": DEV_AUTH_TOKEN,
}
PRODUCTION_REQUIRED = ("DATABASE_URL", "SECRET_KEY", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
                       "PUBLIC_BASE_URL")


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


def _url(*schemes: str) -> AfterValidator:
    def check(value: str) -> str:
        parsed = urlparse(value)
        if parsed.scheme.split("+")[0] not in schemes:
            raise ValueError(f"must be a {'/'.join(schemes)} URL")
        if parsed.scheme.startswith("http"):
            if not parsed.netloc:
                raise ValueError("must be an absolute URL")
            return value.rstrip("/")
        return value

    return AfterValidator(check)


def _office_hours(value: object) -> OfficeHours:
    return value if isinstance(value, OfficeHours) else OfficeHours.parse(str(value))


HttpUrl = Annotated[str, _url("http", "https")]


class Settings(BaseModel):
    """The settings of the whole product: the cross-cutting ones, then each domain's.
    A field is the variable of its name in upper case unless it names another."""

    model_config = ConfigDict(frozen=True, alias_generator=str.upper)

    env: Literal["development", "production"] = Field("development",
                                                      validation_alias="HOTLINE_ENV")
    database_url: Annotated[str, _url("sqlite", "postgresql")]
    # The Celery broker; unset: the embedded queue on the local disk (`hotline run`).
    redis_url: Annotated[str, _url("redis", "rediss")] | None = None
    # Where the rate limits of /lacak and Open311 count; unset: Redis (REDIS_URL).
    ratelimit_storage_url: Annotated[str, _url("redis", "rediss", "memory")] | None = None
    secret_key: str
    twilio_account_sid: str
    twilio_auth_token: str
    twilio_api_base: HttpUrl | None = None
    public_base_url: HttpUrl | None = None
    recordings_dir: Path = VAR_DIR / "recordings"
    queue_dir: Path = VAR_DIR / "queue"
    # The defaults of the hotline settings an admin may override in the console.
    agency_name: str = "Pemerintah Kabupaten Contoh"
    office_hours: Annotated[OfficeHours, PlainValidator(_office_hours)] = OfficeHours.parse(
        "1-5 08:00-16:00")
    operator_number: str | None = None
    tts_voice: str = "Google.id-ID-Standard-A"
    record_max_seconds: int = Field(180, ge=10, le=3600)
    timezone: str = Field("Asia/Jakarta", validation_alias="OFFICE_TIMEZONE")
    trusted_proxy_hops: int = Field(0, ge=0, le=5)
    session_cookie_secure: bool  # default: on in production only
    host: str = "127.0.0.1"
    port: int = Field(5000, ge=1, le=65535)
    # Each domain's own, read from the same environment.
    ivr: IvrSettings
    speech: SpeechSettings
    media: MediaSettings
    messaging: MessagingSettings
    feedback: FeedbackSettings
    notify: NotifySettings
    agents: AgentsSettings
    portal: PortalSettings

    @model_validator(mode="before")
    @classmethod
    def _environment(cls, env: Mapping[str, str]) -> dict[str, Any]:
        """The mode's defaults under the environment, and the environment for each domain."""
        prod = env.get("HOTLINE_ENV") == "production"
        if prod:
            for name in PRODUCTION_REQUIRED:
                if name not in env:
                    raise ValueError(f"{name} must be set in production")
        return {**({} if prod else DEVELOPMENT_DEFAULTS), "SESSION_COOKIE_SECURE": prod,
                **env, **{alias: env for alias in _DOMAINS}}

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("is not a known time zone") from None
        return value

    @field_validator("operator_number")
    @classmethod
    def _callable_number(cls, value: str | None) -> str | None:
        """The operator is called: a number that exists in its country's plan."""
        try:
            return None if value is None else to_e164(value, strict=True)
        except ValueError:
            raise ValueError("must be a phone number like +62215551234") from None

    @field_validator("twilio_account_sid")
    @classmethod
    def _account_sid(cls, value: str) -> str:
        """Recordings are fetched only when their URL names this account, so a typo here
        would fail every download: it fails startup instead."""
        if not re.fullmatch(r"AC[0-9a-fA-F]{32}", value):
            raise ValueError("must be AC and 32 hex digits")
        return value

    @model_validator(mode="after")
    def _production(self) -> Settings:
        if not self.production:
            return self
        if len(self.secret_key) < 32:
            raise ValueError("SECRET_KEY must be at least 32 characters in production")
        if not (self.public_base_url or "").startswith("https://"):
            raise ValueError("PUBLIC_BASE_URL must be the https origin of the TLS proxy in "
                             f"production, got {self.public_base_url!r}")
        # Recordings are fetched with the account's credentials from this origin only:
        # plain http and loopback are for the simulator.
        if self.twilio_api_base and not self.twilio_api_base.startswith("https://"):
            raise ValueError("TWILIO_API_BASE must be an https URL in production, got "
                             f"{mask_url(self.twilio_api_base)!r}")
        published = self.published_secrets()
        if published:
            raise ValueError(f"{', '.join(published)} must not be the published development "
                             "value in production")
        if self.ratelimit_storage.startswith("memory"):
            raise ValueError(
                "REDIS_URL (docker-compose.yml sets it) or RATELIMIT_STORAGE_URL must name a "
                "Redis in production: the rate limits of /lacak and Open311 count there for "
                "every gunicorn worker together, while in memory each worker would count on "
                "its own and allow the limit again")
        return self

    @property
    def embedded(self) -> bool:
        """No Redis: the queue lives on the local disk and `hotline run` starts the worker."""
        return self.redis_url is None

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def ratelimit_storage(self) -> str:
        """Where the rate limits count: Redis when there is one (every gunicorn worker
        counts together), else each process's memory (the embedded mode)."""
        return self.ratelimit_storage_url or self.redis_url or "memory://"

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
            # HOTLINE_NUMBER (else TWILIO_SMS_FROM) until an admin sets one in the console.
            "hotline_number": self.portal.hotline_number or "",
            "office_hours": str(self.office_hours),
            "operator_number": self.operator_number or "",
            "tts_voice": self.tts_voice,
            "record_max_seconds": str(self.record_max_seconds),
        }


# The aliases of the domains' fields: each is given the whole environment.
_DOMAINS = frozenset(field.alias or name for name, field in Settings.model_fields.items()
                     if isinstance(field.annotation, type)
                     and issubclass(field.annotation, BaseModel))


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """The settings from ``env`` (the process environment by default). A variable set to
    blanks only counts as unset, as docker-compose's ``${NAME:-}`` passes one."""
    given = os.environ if env is None else env
    variables = {name: value.strip() for name, value in given.items() if value.strip()}
    try:
        return Settings.model_validate(variables)
    except ValidationError as exc:
        raise ConfigError(_explain(exc.errors()[0])) from None


# Pydantic's error types, said as what the variable must be.
_REASONS: dict[str, Callable[[dict[str, Any]], str]] = {
    "int_parsing": lambda _ctx: "must be a whole number",
    "bool_parsing": lambda _ctx: "must be true or false",
    "greater_than_equal": lambda ctx: f"must be at least {ctx['ge']}",
    "less_than_equal": lambda ctx: f"must be at most {ctx['le']}",
    "literal_error": lambda ctx: f"must be {ctx['expected']}",
    "value_error": lambda ctx: str(ctx["error"]),
}


def _explain(error: Any) -> str:
    """One line naming the variable, what it must be and (its password masked) what it is."""
    variable = next((part for part in reversed(error["loc"])
                     if isinstance(part, str) and part not in _DOMAINS), None)
    if error["type"] == "missing":
        return f"{variable} must be set"
    reason = _REASONS.get(error["type"], lambda _ctx: error["msg"])(error.get("ctx") or {})
    if variable is None:  # a check of several variables names them itself
        return reason
    if not reason.startswith(("must", "is")):
        return f"{variable}: {reason}"
    return f"{variable} {reason}, got {mask_url(str(error['input']))!r}"
