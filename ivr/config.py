"""What the IVR needs from the composition root, passed in explicitly."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from prompts import Catalog


@dataclass(frozen=True)
class IvrConfig:
    auth_token: str
    # When set, signatures are checked against this origin instead of the request's own.
    public_base_url: str | None
    tts_language: str
    gather_timeout_seconds: int
    timezone: str
    catalog: Catalog
    # Defaults of the console-editable settings (agency name, office hours, ...).
    hotline_defaults: Mapping[str, str]
    session_factory: Callable[[], Session]


@dataclass(frozen=True)
class IvrHooks:
    """Work the IVR hands off, never doing it inside a webhook request."""

    recording_submitted: Callable[[int], None]
    recording_ready: Callable[[int], None]
