"""The process-wide objects built from settings: database engine and session factory."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hotline.settings import Settings, load_settings
from tickets.db import make_engine, make_sessionmaker


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessionmaker: sessionmaker[Session]

    def session(self) -> Session:
        return self.sessionmaker()


_current: Runtime | None = None


def build_runtime(settings: Settings | None = None) -> Runtime:
    """Build (and remember, for Celery tasks) the runtime of this process."""
    global _current
    settings = settings or load_settings()
    engine = make_engine(settings.database_url)
    _current = Runtime(settings, engine, make_sessionmaker(engine))
    return _current


def current_runtime() -> Runtime:
    if _current is None:
        return build_runtime()
    return _current
