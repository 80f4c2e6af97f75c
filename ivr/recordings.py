"""Fetching a call recording from Twilio (or whatever serves ``RecordingUrl``)."""

from __future__ import annotations

from dataclasses import dataclass

import requests

_TRANSIENT_STATUS = {404, 408, 409, 425, 429, 500, 502, 503, 504}


class DownloadError(Exception):
    """``transient`` says whether trying again later may succeed."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class Audio:
    data: bytes
    content_type: str


def media_url(recording_url: str, fmt: str = "wav") -> str:
    """``RecordingUrl`` plus ``.wav`` or ``.mp3`` selects the format Twilio serves."""
    if recording_url.rsplit("/", 1)[-1].count("."):
        return recording_url
    return f"{recording_url}.{fmt}"


def download(recording_url: str, account_sid: str | None, auth_token: str | None,
             *, fmt: str = "wav", timeout: float = 30.0) -> Audio:
    auth = (account_sid, auth_token) if account_sid and auth_token else None
    try:
        response = requests.get(media_url(recording_url, fmt), auth=auth, timeout=timeout)
    except requests.RequestException as exc:
        raise DownloadError(f"network error: {exc.__class__.__name__}", transient=True) from exc
    if response.status_code != 200:
        # 404 usually means "not ready yet": the action URL can beat the file.
        raise DownloadError(f"HTTP {response.status_code}",
                            transient=response.status_code in _TRANSIENT_STATUS)
    if not response.content:
        raise DownloadError("empty response body", transient=True)
    content_type = response.headers.get("Content-Type", "audio/x-wav").split(";")[0]
    return Audio(response.content, content_type)


def delete(recording_url: str, account_sid: str, auth_token: str, *, timeout: float = 30.0) -> None:
    """Remove the recording from Twilio once it is stored locally (REST DELETE)."""
    base = recording_url
    if base.endswith((".wav", ".mp3")):
        base = base.rsplit(".", 1)[0]
    try:
        response = requests.delete(f"{base}.json", auth=(account_sid, auth_token), timeout=timeout)
    except requests.RequestException as exc:
        raise DownloadError(f"network error: {exc.__class__.__name__}", transient=True) from exc
    if response.status_code not in (204, 404):
        raise DownloadError(f"HTTP {response.status_code}",
                            transient=response.status_code in _TRANSIENT_STATUS)
