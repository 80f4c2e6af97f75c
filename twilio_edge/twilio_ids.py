"""Twilio's identifiers and recording URLs, checked once where a webhook form enters.

A SID is two letters and 32 hex digits (``CA…`` a call, ``RE…`` a recording,
``AC…`` an account); a ``RecordingUrl`` is
``{origin}/2010-04-01/Accounts/AC…/Recordings/RE…``. Anything else is refused here,
so deeper code never sees a raw string from the request. Which origins may be
fetched is a separate decision (:class:`twilio_edge.fetch.FetchPolicy`).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit


class InvalidTwilioValue(ValueError):
    """A webhook field that is not what Twilio sends."""


_HEX32 = "[0-9a-fA-F]{32}"
_SID = {prefix: re.compile(f"{prefix}{_HEX32}")
        for prefix in ("AC", "CA", "RE", "SM", "MM", "ME")}
_RECORDING_PATH = re.compile(
    rf"/2010-04-01/Accounts/(?P<account>AC{_HEX32})/Recordings/(?P<sid>RE{_HEX32})"
    r"(?:\.(?:wav|mp3))?"
)
# A DNS name or an IP literal (IPv6 without its brackets), as urlsplit gives it.
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?|[0-9a-f:.]{2,45}")


def _sid(prefix: str, value: str | None, field: str) -> str:
    if value is None or not _SID[prefix].fullmatch(value):
        raise InvalidTwilioValue(f"{field} is not a Twilio {prefix} SID")
    return value


def call_sid(value: str | None) -> str:
    return _sid("CA", value, "CallSid")


def recording_sid(value: str | None) -> str:
    return _sid("RE", value, "RecordingSid")


def account_sid(value: str | None) -> str:
    return _sid("AC", value, "AccountSid")


def message_sid(value: str | None) -> str:
    """``SM`` (a text) or ``MM`` (with media) and 32 hex digits."""
    if value is not None and value[:2] == "MM":
        return _sid("MM", value, "MessageSid")
    return _sid("SM", value, "MessageSid")


def is_recording_sid(value: str | None) -> bool:
    return value is not None and _SID["RE"].fullmatch(value) is not None


def origin(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL in canonical form (lower case, default
    port left out), None for anything else, including a URL with credentials in it."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    default = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{host}" if port in (None, default) else (
        f"{parts.scheme}://{host}:{port}")


@dataclass(frozen=True)
class RecordingUrl:
    """A parsed ``RecordingUrl``: where it points, and whose recording it names."""

    origin: str
    account_sid: str
    recording_sid: str

    @property
    def url(self) -> str:
        """The canonical form (no extension), as stored and as Twilio sends it."""
        return (f"{self.origin}/2010-04-01/Accounts/{self.account_sid}"
                f"/Recordings/{self.recording_sid}")

    def media(self, fmt: str = "wav") -> str:
        """``.wav`` or ``.mp3`` after the URL selects the format Twilio serves."""
        if fmt not in ("wav", "mp3"):
            raise ValueError(f"unknown recording format {fmt!r}")
        return f"{self.url}.{fmt}"

    @property
    def resource(self) -> str:
        """The REST resource (``.json``), which DELETE removes."""
        return f"{self.url}.json"


def recording_url(value: str | None, *, recording_sid: str | None = None) -> RecordingUrl:
    """Parse ``RecordingUrl``; with ``recording_sid``, it must name that recording."""
    if not value or len(value) > 400:
        raise InvalidTwilioValue("RecordingUrl is missing or too long")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError on a malformed port)
    except ValueError:
        raise InvalidTwilioValue("RecordingUrl is not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidTwilioValue("RecordingUrl must be an absolute http(s) URL")
    if parts.username is not None or parts.password is not None:
        raise InvalidTwilioValue("RecordingUrl must not carry credentials")
    if parts.query or parts.fragment or "?" in value or "#" in value:
        raise InvalidTwilioValue("RecordingUrl must not carry a query or fragment")
    if not _HOST.fullmatch(parts.hostname):
        raise InvalidTwilioValue("RecordingUrl has an unusual host name")
    path = _RECORDING_PATH.fullmatch(parts.path)
    if path is None:
        raise InvalidTwilioValue(
            "RecordingUrl is not /2010-04-01/Accounts/AC…/Recordings/RE…")
    if recording_sid is not None and path["sid"] != recording_sid:
        raise InvalidTwilioValue("RecordingUrl names another recording than RecordingSid")
    url_origin = origin(value)
    assert url_origin is not None  # scheme, host and port were checked above
    return RecordingUrl(url_origin, path["account"], path["sid"])


_MEDIA_PATH = re.compile(
    rf"/2010-04-01/Accounts/(?P<account>AC{_HEX32})/Messages/(?P<message>(?:MM|SM){_HEX32})"
    rf"/Media/(?P<sid>ME{_HEX32})")


@dataclass(frozen=True)
class MediaUrl:
    """A parsed ``MediaUrl{i}``: where it points and, on Twilio's own path, whose it is."""

    url: str
    origin: str
    account_sid: str | None


def media_url(value: str | None, *, any_path_on_loopback: bool = False) -> MediaUrl:
    """Parse ``MediaUrl{i}``: ``{origin}/2010-04-01/Accounts/AC…/Messages/MM…/Media/ME…``.

    ``any_path_on_loopback`` (development only) also admits any path on a loopback
    host, where ``hotline chat`` and other local Twilio-like clients serve files.
    Which origins may be fetched is :class:`twilio_edge.fetch.FetchPolicy`'s decision."""
    if not value or len(value) > 400:
        raise InvalidTwilioValue("MediaUrl is missing or too long")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError on a malformed port)
    except ValueError:
        raise InvalidTwilioValue("MediaUrl is not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidTwilioValue("MediaUrl must be an absolute http(s) URL")
    if parts.username is not None or parts.password is not None or parts.fragment:
        raise InvalidTwilioValue("MediaUrl must not carry credentials or a fragment")
    if not _HOST.fullmatch(parts.hostname):
        raise InvalidTwilioValue("MediaUrl has an unusual host name")
    url_origin = origin(value)
    assert url_origin is not None
    if any_path_on_loopback and _loopback_host(parts.hostname):
        # A local client's file, whatever account its path may name.
        return MediaUrl(value, url_origin, None)
    path = _MEDIA_PATH.fullmatch(parts.path)
    if path is not None and not parts.query:
        return MediaUrl(f"{url_origin}{parts.path}", url_origin, path["account"])
    raise InvalidTwilioValue("MediaUrl is not /2010-04-01/Accounts/AC…/Messages/MM…/Media/ME…")


def _loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
