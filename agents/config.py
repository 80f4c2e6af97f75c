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
    login_max_attempts_per_address: int
    # The shortest new password (longer in production; the rule is accounts.passwords').
    min_password_length: int
    # Production: the demo password is refused at sign-in even where it is still set.
    refuse_published_passwords: bool
    # Defaults of the console-editable hotline settings (agency name, office hours, ...).
    hotline_defaults: Mapping[str, str]
    # Queue a retraining of the routing-suggestion model (the admin's button) once the
    # request's session commits.
    request_retrain: Callable[[Session], None] | None = None
