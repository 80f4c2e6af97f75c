"""The console's settings, and what the console needs from the composition root, passed
in explicitly."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session


class AgentsSettings(BaseModel):
    """The sign-in throttle (docs/console.md): failures per username, and per address."""

    model_config = ConfigDict(frozen=True, alias_generator=str.upper)

    login_max_attempts: int = Field(5, ge=1, le=100)
    login_max_attempts_per_address: int = Field(20, ge=1, le=10000)


@dataclass(frozen=True)
class AgentsConfig:
    # The request's session: the request commits it (hotline.app), views never do.
    db: Callable[[], Session]
    settings: AgentsSettings
    recordings_dir: Path
    timezone: str
    # The shortest new password (longer in production; the rule is accounts.passwords').
    min_password_length: int
    # Production: the demo password is refused at sign-in even where it is still set.
    refuse_published_passwords: bool
    # Defaults of the console-editable hotline settings (agency name, office hours, ...).
    hotline_defaults: Mapping[str, str]
    # Queue a retraining of the routing-suggestion model (the admin's button) once the
    # request's session commits.
    request_retrain: Callable[[Session], None] | None = None
    # Queue a retraining of the early-warning model on the desk's verdicts.
    request_event_retrain: Callable[[Session], None] | None = None
    # The public site's address: links to an answer's files in a message to the reporter.
    public_base_url: str | None = None
