"""What the console needs from the composition root, passed in explicitly."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class AgentsConfig:
    # The request's session: the request commits it (hotline.app), views never do.
    db: Callable[[], Session]
    recordings_dir: Path
    timezone: str
    login_max_attempts: int
    # Defaults of the console-editable hotline settings (agency name, office hours, ...).
    hotline_defaults: Mapping[str, str]
