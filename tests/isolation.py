"""How each test gets a fresh world cheaply (docs/testing.md, "How fixtures isolate").

Building the app (``create_app``, about 0.2 s) and seeding the demo (0.2 s, more on
PostgreSQL) for every test was most of the suite's time. Instead, once per session (per
xdist worker) and database:

- the demo is seeded once and kept as rows (:class:`DemoSnapshot`); before each test the
  database is put back to it: every other table emptied, the seeded tables reloaded only
  when a test changed them (a handful of tests do: a pokja's WhatsApp number, a user);
- an app is built once per distinct settings and kept (:class:`AppCache`); what a test can
  leave behind in it (rate-limit counters, stored recordings, which Celery app is current)
  is reset before the next test uses it.

A transaction rolled back after each test (warehouse's way) would be cheaper still, but
here the live server, the eager Celery tasks, the CLI and the concurrency tests' threads
each open their own connections and commit, so the state has to live in the database.
"""

from __future__ import annotations

import itertools
import shutil
from collections import OrderedDict
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from flask import Flask
from sqlalchemy import Connection, Row, Table, select
from sqlalchemy.orm import Session

from analytics.suggestions import current_classifier
from hotline.app import create_app
from hotline.demo import seed_demo
from hotline.settings import Settings, load_settings
from tickets.db import Base, make_engine

# A test that left a transaction open would otherwise make the next test's restore wait
# forever; with this it fails, naming the lock.
LOCK_TIMEOUT = "20s"


class DemoSnapshot:
    """The demo data of one database, seeded once and kept as rows per table."""

    def __init__(self, database_url: str) -> None:
        self.engine = make_engine(database_url)
        self.postgres = self.engine.dialect.name == "postgresql"
        with Session(self.engine) as session:
            seed_demo(session)
            session.commit()
        self.tables = list(Base.metadata.sorted_tables)
        with self.engine.connect() as conn:
            self.rows = {t: self._read(conn, t) for t in self.tables}
        self.seeded = [t for t in self.tables if self.rows[t]]
        others = [t for t in reversed(self.tables) if not self.rows[t]]
        # Children before parents; on PostgreSQL sent as one round trip.
        self._empty_others = "; ".join(f"DELETE FROM {_quoted(t, self.engine)}"
                                       for t in others)
        self._empty_all = "; ".join(f"DELETE FROM {_quoted(t, self.engine)}"
                                    for t in reversed(self.tables))

    @staticmethod
    def _read(conn: Connection, table: Table) -> list[Row[Any]]:
        return list(conn.execute(select(table).order_by(*table.primary_key.columns)))

    def restore(self) -> None:
        """Put the database back to the demo data, whatever the test before did."""
        with self.engine.begin() as conn:
            if self.postgres:
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            if all(self._read(conn, t) == self.rows[t] for t in self.seeded):
                self._execute(conn, self._empty_others)
                return
            self._execute(conn, self._empty_all)
            for table in self.seeded:
                conn.execute(table.insert(), [row._asdict() for row in self.rows[table]])

    def empty(self) -> None:
        """Every table emptied, the demo too (an installation before ``seed-demo``)."""
        with self.engine.begin() as conn:
            self._execute(conn, self._empty_all)

    def _execute(self, conn: Connection, statements: str) -> None:
        if self.postgres:
            conn.exec_driver_sql(statements)  # no parameters: one simple query
        else:
            for statement in statements.split("; "):
                conn.exec_driver_sql(statement)

    def close(self) -> None:
        self.engine.dispose()


def _train_seed_model(app: Flask) -> None:
    """The first routing suggestion trains the seed model, once per process (seconds, many
    more on a loaded machine): train it now rather than inside the first webhook that files
    a complaint, whose caller (the simulator, as Twilio) gives up after 15 s."""
    with app.extensions["hotline"].session() as session:
        current_classifier(session)


def _quoted(table: Table, engine: Any) -> str:
    return str(engine.dialect.identifier_preparer.format_table(table))


@dataclass
class _Built:
    settings: Settings
    app: Flask | None = None


class AppCache:
    """Settings, and the app built from them, kept per distinct ``env_overrides``.

    Most tests share one app per database; a test that overrides settings gets an app of
    its own, kept too (parametrised overrides recur), the least recently used dropped."""

    def __init__(self, database_url: str, root: Path,
                 make_env: Callable[..., dict[str, str]], size: int = 8) -> None:
        self.database_url = database_url
        self.root = root
        self.make_env = make_env
        self.size = size
        self._built: OrderedDict[tuple[tuple[str, str], ...], _Built] = OrderedDict()
        self._count = itertools.count(1)
        self._last: _Built | None = None

    def settings(self, overrides: Mapping[str, str]) -> Settings:
        """The settings for ``overrides``, their recordings folder emptied."""
        key = tuple(sorted(overrides.items()))
        built = self._built.get(key)
        if built is None:
            folder = self.root / f"settings-{next(self._count)}"
            built = self._built[key] = _Built(load_settings(
                self.make_env(self.database_url, folder, **overrides)))
            while len(self._built) > self.size:
                _key, old = self._built.popitem(last=False)
                if old.app is not None:
                    old.app.extensions["hotline"].engine.dispose()
        self._built.move_to_end(key)
        shutil.rmtree(built.settings.recordings_dir, ignore_errors=True)
        return built.settings

    def app(self, settings: Settings) -> Flask:
        """The app of ``settings`` (built on first use), ready for a new test."""
        built = next((b for b in self._built.values() if b.settings is settings), None)
        if built is None:
            raise LookupError("these settings were not made by AppCache.settings: a test "
                              "that overrides `settings` builds its own app as well")
        if self._last is not None and self._last is not built and self._last.app is not None:
            # Only the app in use keeps connections open (PostgreSQL's are counted).
            self._last.app.extensions["hotline"].engine.dispose()
        self._last = built
        if built.app is None:
            # Eager Celery: tasks run right after the request that enqueued them commits.
            built.app = create_app(settings, TESTING=True, CELERY={"task_always_eager": True})
            _train_seed_model(built.app)
        app = built.app
        # Another app may have been built since (each makes its Celery app the current
        # one); the tasks reach their runtime through the current app.
        celery = app.extensions["celery"]
        celery.set_current()
        celery.set_default()
        for limiter in app.extensions.get("limiter", ()):
            limiter.reset()
        return app

    def close(self) -> None:
        for built in self._built.values():
            if built.app is not None:
                built.app.extensions["hotline"].engine.dispose()
        self._built.clear()


class Worlds:
    """Per backend: the migrated database, its demo snapshot and its apps, made on first
    use and closed (the PostgreSQL database dropped) when the session ends."""

    def __init__(self, root: Path,
                 make_database: Callable[[str, Path], AbstractContextManager[str]],
                 make_env: Callable[..., dict[str, str]]) -> None:
        self.root = root
        self.make_database = make_database
        self.make_env = make_env
        self._stack = ExitStack()
        self._urls: dict[str, str] = {}
        self._snapshots: dict[str, DemoSnapshot] = {}
        self._apps: dict[str, AppCache] = {}

    def database(self, backend: str) -> str:
        if backend not in self._urls:
            folder = self.root / backend
            folder.mkdir()
            self._urls[backend] = self._stack.enter_context(self.make_database(backend, folder))
        return self._urls[backend]

    def snapshot(self, database_url: str) -> DemoSnapshot:
        if database_url not in self._snapshots:
            snapshot = self._snapshots[database_url] = DemoSnapshot(database_url)
            self._stack.callback(snapshot.close)
        return self._snapshots[database_url]

    def apps(self, database_url: str) -> AppCache:
        if database_url not in self._apps:
            folder = self.root / f"apps-{len(self._apps) + 1}"
            cache = self._apps[database_url] = AppCache(database_url, folder, self.make_env)
            self._stack.callback(cache.close)
        return self._apps[database_url]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()  # apps and snapshots first (last in), then the databases
