"""Fetching a file from Twilio's REST API (a call recording, a message's media).

A URL from a webhook is a claim: the account's SID and auth token go only to the
configured Twilio origin (:class:`FetchPolicy`), a URL anywhere else fails for good
before any request is made, a redirect to another origin is followed without
credentials (Twilio hands media to its storage), and the body is read in chunks up
to a size limit.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import requests

from twilio_edge.twilio_ids import origin


class Source(Protocol):
    """A parsed URL from a webhook: its origin and the account it names (if any)."""

    @property
    def origin(self) -> str: ...

    @property
    def account_sid(self) -> str | None: ...


TWILIO_API_BASE = "https://api.twilio.com"
MAX_REDIRECTS = 3
_REDIRECT_STATUS = {301, 302, 303, 307, 308}
_TRANSIENT_STATUS = {404, 408, 409, 425, 429, 500, 502, 503, 504}
_CHUNK = 64 * 1024


class DownloadError(Exception):
    """``transient`` says whether trying again later may succeed. The message is
    Indonesian: a permanent one is shown to the operators on the ticket."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class Audio:
    data: bytes
    content_type: str


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class FetchPolicy:
    """Where recordings may be fetched from, and where the credentials may go.

    ``api_base`` is Twilio's REST origin (``TWILIO_API_BASE``). ``allow_loopback``
    (development only) also admits any loopback origin, where the call simulator
    serves its recordings. ``account_sid``: the URL must name this account."""

    api_base: str = TWILIO_API_BASE
    allow_loopback: bool = False
    account_sid: str | None = None

    @property
    def origin(self) -> str:
        base = origin(self.api_base)
        if base is None:
            raise ValueError(f"TWILIO_API_BASE is not an http(s) URL: {self.api_base!r}")
        return base

    def check(self, source: Source) -> None:
        """Refuse (permanently) a file this hotline must not fetch. A source that names no
        account (a local client's own path) is fetched from loopback in development only."""
        if source.account_sid is None:
            if self.allow_loopback and _is_loopback(source.origin):
                return
            raise DownloadError(f"alamat berkas bukan dari Twilio ({source.origin}); "
                                "tidak diunduh", transient=False)
        if self.account_sid and source.account_sid != self.account_sid:
            raise DownloadError("alamat berkas milik akun Twilio lain; tidak diunduh",
                                transient=False)
        if source.origin == self.origin:
            return
        if self.allow_loopback and _is_loopback(source.origin):
            return
        raise DownloadError(f"alamat berkas bukan dari Twilio ({source.origin}); tidak diunduh",
                            transient=False)

    def redirect_target(self, current: str, location: str) -> str:
        """Where a redirect from ``current`` leads, if it may be followed at all."""
        target = urljoin(current, location)
        target_origin = origin(target)
        if target_origin is None:
            raise DownloadError("pengalihan ke alamat yang tidak sah", transient=False)
        if target_origin.startswith("https://") or (
                self.allow_loopback and _is_loopback(target)):
            return target
        raise DownloadError(f"pengalihan ke alamat tanpa https ({target_origin}); "
                            "tidak diikuti", transient=False)


def http_error(status: int, what: str = "rekaman") -> DownloadError:
    # 404 usually means "not ready yet": the action URL can beat the file.
    return DownloadError(f"server {what} menjawab HTTP {status}",
                         transient=status in _TRANSIENT_STATUS)


def _read_capped(response: requests.Response, max_bytes: int, deadline: float,
                 clock: Callable[[], float], what: str) -> bytes:
    declared = response.headers.get("Content-Length", "")
    too_big = DownloadError(f"{what} lebih besar dari batas {max_bytes:,} byte".replace(",", "."),
                            transient=False)
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    chunks, total = [], 0
    try:
        for chunk in response.iter_content(_CHUNK):
            total += len(chunk)
            if total > max_bytes:
                raise too_big
            if clock() > deadline:
                raise DownloadError(f"unduhan {what} terlalu lama", transient=True)
            chunks.append(chunk)
    except requests.RequestException as exc:
        raise DownloadError(f"gangguan jaringan ({exc.__class__.__name__})",
                            transient=True) from exc
    return b"".join(chunks)


def fetch(url: str, source: Source, account_sid: str | None, auth_token: str | None, *,
          policy: FetchPolicy, max_bytes: int, timeout: float = 30.0,
          total_seconds: float = 300.0, what: str = "berkas",
          clock: Callable[[], float] = time.monotonic) -> Audio:
    """GET ``url`` (which ``source`` describes); at most ``max_bytes`` are read."""
    policy.check(source)
    auth = (account_sid, auth_token) if account_sid and auth_token else None
    deadline = clock() + total_seconds
    with requests.Session() as http:
        for _ in range(MAX_REDIRECTS + 1):
            # The account's credentials go to the origin the policy admitted, nowhere else.
            hop_auth = auth if origin(url) == source.origin else None
            try:
                response = http.get(url, auth=hop_auth, timeout=timeout, stream=True,
                                    allow_redirects=False)
            except requests.RequestException as exc:
                raise DownloadError(f"gangguan jaringan ({exc.__class__.__name__})",
                                    transient=True) from exc
            with response:
                if response.status_code in _REDIRECT_STATUS and "Location" in response.headers:
                    url = policy.redirect_target(url, response.headers["Location"])
                    continue
                if response.status_code != 200:
                    raise http_error(response.status_code, what)
                data = _read_capped(response, max_bytes, deadline, clock, what)
                return Audio(data, response.headers.get("Content-Type", ""))
    raise DownloadError(f"terlalu banyak pengalihan saat mengunduh {what}", transient=False)
