"""Fetching a call recording from Twilio's REST API, and deleting it there.

``RecordingUrl`` arrives in a webhook, so it is a claim: where it may be fetched from
and where the credentials may go is :class:`twilio_edge.fetch.FetchPolicy`'s decision.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

from twilio_edge import twilio_ids
from twilio_edge.fetch import (
    TWILIO_API_BASE,
    Audio,
    DownloadError,
    FetchPolicy,
    fetch,
    http_error,
)
from twilio_edge.twilio_ids import RecordingUrl

__all__ = ["TWILIO_API_BASE", "Audio", "DownloadError", "FetchPolicy", "delete", "download"]


def _parse(recording_url: str) -> RecordingUrl:
    try:
        return twilio_ids.recording_url(recording_url)
    except twilio_ids.InvalidTwilioValue as exc:
        raise DownloadError(f"alamat rekaman tidak sah ({exc})", transient=False) from None


def download(recording_url: str, account_sid: str | None, auth_token: str | None, *,
             policy: FetchPolicy, max_bytes: int, fmt: str = "wav", timeout: float = 30.0,
             total_seconds: float = 300.0,
             clock: Callable[[], float] = time.monotonic) -> Audio:
    """Fetch the recording's media; at most ``max_bytes`` are read."""
    source = _parse(recording_url)
    return fetch(source.media(fmt), source, account_sid, auth_token, policy=policy,
                 max_bytes=max_bytes, timeout=timeout, total_seconds=total_seconds,
                 what="rekaman", clock=clock)


def delete(recording_url: str, account_sid: str, auth_token: str, *, policy: FetchPolicy,
           timeout: float = 30.0) -> None:
    """Remove the recording from Twilio once it is stored locally (REST DELETE)."""
    source = _parse(recording_url)
    policy.check(source)
    try:
        response = requests.delete(source.resource, auth=(account_sid, auth_token),
                                   timeout=timeout, allow_redirects=False)
    except requests.RequestException as exc:
        raise DownloadError(f"gangguan jaringan ({exc.__class__.__name__})",
                            transient=True) from exc
    if response.status_code not in (204, 404):
        raise http_error(response.status_code)
