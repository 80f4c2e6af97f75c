"""Shared fixtures: a real database (SQLite and PostgreSQL), the app, a live server,
the loopback Twilio peer and the call simulator."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from devtools.call_simulator import CallResult, CallSimulator
from devtools.recording_peer import RecordingPeer
from hotline.migrate import upgrade
from hotline.settings import Settings
from tests.isolation import AppCache, DemoSnapshot, Worlds
from tickets.db import Base, make_engine

# The loopback SMTP server and Twilio REST peer (``mailbox``, ``twilio``) for every package.
pytest_plugins = ("tests.peers", "tests.failing")

# A test that loads a speech model or starts a browser is `slow` (left out of
# `make test-quick`), whether or not its module says so.
SLOW_FIXTURES = frozenset({"whisper", "whisper_dir", "vosk", "browser"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


def _sqlalchemy_pg_url(dbname: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{dbname}"


@pytest.fixture(scope="session")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worlds]:
    """Each backend's database, demo snapshot and apps, made on first use and kept for the
    session, so a worker that goes from SQLite tests to PostgreSQL ones and back (xdist
    hands out work as it goes) never migrates or builds twice."""
    with Worlds(tmp_path_factory.mktemp("worlds"), migrated_database, make_test_env) as w:
        yield w


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, worlds: Worlds) -> str:
    """A migrated database for the whole session (each xdist worker has its own), on each
    backend. Tests reach it through ``settings``, which puts the demo data back first."""
    return worlds.database(request.param)


@contextmanager
def migrated_database(backend: str, folder: Path, revision: str = "head",
                      name: str = "test.db") -> Iterator[str]:
    if backend == "sqlite":
        url = f"sqlite:///{folder / name}"
        upgrade(url, revision)
        yield url
        return
    with migrated_pg_database("suarawarga_test" if revision == "head" else "suarawarga_mig",
                              revision) as url:
        yield url


@contextmanager
def migrated_pg_database(prefix: str, revision: str = "head") -> Iterator[str]:
    """A fresh PostgreSQL database migrated to ``revision`` that only this test run uses,
    then dropped."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = _sqlalchemy_pg_url(name)
        upgrade(url, revision)
        yield url
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def database_at(request: pytest.FixtureRequest, tmp_path: Path
                ) -> Iterator[Callable[[str], str]]:
    """For a migration's test, on each backend: ``database_at("0018")`` is the URL of a
    fresh database of its own migrated up to that revision (dropped after the test), to
    fill with the rows as they were, then upgrade or downgrade."""
    with ExitStack() as stack:
        yield lambda revision: stack.enter_context(
            migrated_database(request.param, tmp_path, revision, name="old.db"))


REDIS_BASE = os.environ.get("TEST_REDIS", "redis://127.0.0.1:6379")
# Production refuses rate limits counted in memory, so a production test app names a Redis
# for them; one that sends rate-limited requests leases its own database instead.
PRODUCTION_RATELIMITS = {"RATELIMIT_STORAGE_URL": f"{REDIS_BASE}/0"}


@contextmanager
def leased_redis_db() -> Iterator[str]:
    """A Redis database (1-15) no other test run on this machine is using, flushed.

    Two suites on one machine (a developer's and CI's, or two worktrees) must not take
    each other's Celery tasks; a lease key in database 0 marks a database as taken."""
    import redis

    admin = redis.Redis.from_url(f"{REDIS_BASE}/0")
    token = uuid.uuid4().hex
    for number in range(1, 16):
        key = f"suarawarga-test-lease:{number}"
        if admin.set(key, token, nx=True, ex=3600):
            url = f"{REDIS_BASE}/{number}"
            redis.Redis.from_url(url).flushdb()
            try:
                yield url
            finally:
                redis.Redis.from_url(url).flushdb()
                if admin.get(key) == token.encode():
                    admin.delete(key)
                admin.close()
            return
    pytest.fail("no free Redis database (1-15) for this test run")


def _empty_tables(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


def make_test_env(database_url: str, tmp: Path, **extra: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "RECORDINGS_DIR": str(tmp / "recordings"),
        "QUEUE_DIR": str(tmp / "queue"),
        "SPEECH_ENGINE": "none",
        "OPERATOR_NUMBER": "+62215550199",
        "AGENCY_NAME": "Pemerintah Kabupaten Uji",
        # Tests edit settings and categories and call at once; the cache has its own test.
        "IVR_CACHE_SECONDS": "0",
        **extra,
    }


@pytest.fixture
def env_overrides() -> dict[str, str]:
    """Tests override settings by overriding this fixture or updating the dict."""
    return {}


@pytest.fixture(scope="session")
def demo_snapshot(database_url: str, worlds: Worlds) -> DemoSnapshot:
    """The demo seeded once into the session's database, kept to restore before each test."""
    return worlds.snapshot(database_url)


@pytest.fixture(scope="session")
def app_cache(database_url: str, worlds: Worlds) -> AppCache:
    return worlds.apps(database_url)


@pytest.fixture
def settings(app_cache: AppCache, demo_snapshot: DemoSnapshot,
             env_overrides: dict[str, str]) -> Settings:
    """Settings on the session's database, which holds the demo data and nothing else."""
    demo_snapshot.restore()
    return app_cache.settings(env_overrides)


@pytest.fixture
def empty_database(settings: Settings, demo_snapshot: DemoSnapshot) -> None:
    """Not even the demo: an installation before ``seed-demo``."""
    demo_snapshot.empty()


@pytest.fixture
def app(settings: Settings, app_cache: AppCache) -> Flask:
    """The app of these settings, built once per session and reused (tests/isolation.py);
    Celery is eager: tasks run right after the request that enqueued them commits."""
    return app_cache.app(settings)


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    with app.extensions["hotline"].session() as session:
        yield session


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def peer(settings: Settings) -> Iterator[RecordingPeer]:
    with RecordingPeer(settings.twilio_account_sid, settings.twilio_auth_token) as p:
        yield p


@pytest.fixture
def place_call(live_server: str, settings: Settings,
               peer: RecordingPeer) -> Callable[..., CallResult]:
    """Play a whole call: ``place_call("1", "1", "2", "1", recordings=[wav])``."""

    def call(*keys: str, recordings: list[Path | None] | None = None,
             **options: object) -> CallResult:
        sim = CallSimulator(live_server, str(options.pop("auth_token", settings.twilio_auth_token)),
                            account_sid=settings.twilio_account_sid, keys=keys,
                            recordings=recordings or [], peer=peer, **options)  # type: ignore[arg-type]
        return sim.run()

    return call


def espeak_wav(text: str, target: Path, rate: int = 8000) -> Path:
    """Indonesian speech from espeak-ng, as an 8 kHz mono telephone WAV by default."""
    if shutil.which("espeak-ng") is None or shutil.which("ffmpeg") is None:
        pytest.fail("espeak-ng and ffmpeg are needed: run `make deps`")
    raw = target.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", "id", "-w", str(raw), text], check=True)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(raw), "-ar", str(rate),
                    "-ac", "1", "-sample_fmt", "s16", str(target)], check=True)
    raw.unlink()
    return target


@pytest.fixture(scope="session")
def complaint_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return espeak_wav(
        "Nama saya Budi dari desa Sukamaju kecamatan Cibeber. Jalan di depan sekolah rusak "
        "parah dan berlubang sejak bulan lalu.",
        tmp_path_factory.mktemp("audio") / "keluhan.wav",
    )


@pytest.fixture
def signed_post(live_server: str, settings: Settings) -> Callable[..., object]:
    """POST to the hotline exactly as Twilio would, signed with the auth token."""

    def post(path: str, params: dict[str, str], *, token: str | None = None,
             base_url: str | None = None):  # type: ignore[no-untyped-def]
        sim = CallSimulator(base_url or live_server, token or settings.twilio_auth_token,
                            account_sid=settings.twilio_account_sid)
        return sim.post(path, params)

    return post
