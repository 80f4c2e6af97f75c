"""Safe by default in production: no published secret on a reachable server, no demo
users, a first admin with a password of its own, no passwords printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from accounts.models import User
from accounts.services import authenticate
from hotline.app import create_app
from hotline.cli import cli
from hotline.settings import Settings, load_settings
from tests.agents.conftest import sign_in
from tests.conftest import PRODUCTION_RATELIMITS, make_test_env

PRODUCTION = {
    "HOTLINE_ENV": "production",
    "SECRET_KEY": "k" * 48,
    "TWILIO_ACCOUNT_SID": "AC" + "7" * 32,
    "TWILIO_AUTH_TOKEN": "a-real-looking-auth-token",
    "PUBLIC_BASE_URL": "https://hotline.example.go.id",
    **PRODUCTION_RATELIMITS,
}


@pytest.fixture
def prod_app(settings: Settings, empty_database: None, database_url: str,
             tmp_path: Path) -> Flask:
    """A production app on an empty database; nothing seeded."""
    app = create_app(load_settings(make_test_env(database_url, tmp_path, **PRODUCTION)))
    yield app
    app.extensions["hotline"].engine.dispose()


def _users(app: Flask) -> list[User]:
    with app.extensions["hotline"].session() as session:
        return list(session.scalars(select(User)))


# --- 1. published secrets --------------------------------------------------------------------

@pytest.fixture
def nothing_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    """`hotline run` must refuse before it migrates or starts a process; if it does not,
    fail at once instead of serving."""

    def started(*_args: object, **_kw: object) -> None:
        raise AssertionError("hotline run went on to migrate or start a process")

    monkeypatch.setattr("hotline.migrate.upgrade", started)
    monkeypatch.setattr("subprocess.Popen", started)


@pytest.mark.usefixtures("nothing_starts")
@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20"])
def test_hotline_run_refuses_a_reachable_address_with_the_published_secrets(tmp_path, host):
    db_file = tmp_path / "hotline.db"
    env = {"DATABASE_URL": f"sqlite:///{db_file}", "QUEUE_DIR": str(tmp_path / "q"),
           "RECORDINGS_DIR": str(tmp_path / "rec"), "SPEECH_ENGINE": "none",
           "SECRET_KEY": "", "TWILIO_AUTH_TOKEN": "", "HOST": ""}
    result = CliRunner(env=env).invoke(cli, ["run", "--host", host, "--port", "1"])
    assert result.exit_code == 1
    assert "SECRET_KEY" in result.output and "TWILIO_AUTH_TOKEN" in result.output
    assert f"refusing to serve on {host}" in result.output
    assert not db_file.exists()  # refused before migrating or starting anything

    # The HOST setting is the default of --host: checked the same way.
    result = CliRunner(env={**env, "HOST": host}).invoke(cli, ["run", "--port", "1"])
    assert result.exit_code == 1 and "SECRET_KEY" in result.output


def test_production_refuses_the_published_auth_token_at_startup(tmp_path):
    env = {**make_test_env(f"sqlite:///{tmp_path / 'x.db'}", tmp_path), **PRODUCTION,
           "TWILIO_AUTH_TOKEN": "suarawarga-dev-token"}
    result = CliRunner(env=env).invoke(cli, ["check"])
    assert result.exit_code == 1 and "TWILIO_AUTH_TOKEN" in result.output


# --- 2. demo users and the first admin -----------------------------------------------------

def test_seed_demo_is_refused_in_production(prod_app):
    result = prod_app.test_cli_runner().invoke(cli, ["seed-demo"])
    assert result.exit_code == 1
    assert "refused in production" in result.output and "create-admin" in result.output
    assert _users(prod_app) == []


@pytest.mark.parametrize(("password", "problem"), [
    ("suarawarga", "minimal 12 karakter"),
    ("suarawarga2024", "terlalu umum atau pernah dipublikasikan"),
    ("Password123!", "terlalu umum"),
    ("kepala-dinas-2024", "nama pengguna"),
    ("123456789012", "terlalu mudah ditebak"),
])
def test_create_admin_refuses_a_weak_password(prod_app, password, problem):
    result = prod_app.test_cli_runner().invoke(
        cli, ["users", "create-admin", "kepala-dinas", "--password-stdin"], input=password + "\n")
    assert result.exit_code == 1, result.output
    assert problem in result.output
    assert _users(prod_app) == []


def test_create_admin_reads_a_strong_password_from_stdin(prod_app):
    result = prod_app.test_cli_runner().invoke(
        cli, ["users", "create-admin", "Kepala", "--full-name", "Kepala Diskominfo",
              "--password-stdin"], input="kuda-lari-pagi-9\n")
    assert result.exit_code == 0, result.output
    (admin,) = _users(prod_app)
    assert (admin.username, admin.full_name, admin.role.value) == (
        "kepala", "Kepala Diskominfo", "admin")
    with prod_app.extensions["hotline"].session() as session:
        assert authenticate(session, "kepala", "kuda-lari-pagi-9") is not None
    # A second admin of the same name is refused.
    again = prod_app.test_cli_runner().invoke(
        cli, ["users", "create-admin", "kepala", "--password-stdin"], input="lain-sekali-77\n")
    assert again.exit_code == 1 and "sudah dipakai" in again.output


def test_create_admin_prompts_twice_when_stdin_is_not_named(prod_app):
    runner = prod_app.test_cli_runner()
    typo = runner.invoke(cli, ["users", "create-admin", "kepala"],
                         input="kuda-lari-pagi-9\nkuda-lari-pagi-8\nkuda-lari-pagi-9\n"
                               "kuda-lari-pagi-9\n")
    assert typo.exit_code == 0, typo.output
    assert "do not match" in typo.output.lower()
    assert "kuda-lari-pagi" not in typo.output  # hidden input is not echoed
    assert [u.username for u in _users(prod_app)] == ["kepala"]


def test_production_refuses_the_demo_password_at_sign_in_even_where_it_is_set(prod_app):
    from hotline.demo import seed_demo

    with prod_app.extensions["hotline"].session() as session:
        seed_demo(session)  # as an installation that followed the old README has
        session.commit()
    response = sign_in(prod_app.test_client(), "admin", "suarawarga")
    assert response.status_code == 401
    assert "dipublikasikan" in response.get_data(as_text=True)


# --- 5. no passwords printed -------------------------------------------------------------

def test_hotline_check_prints_urls_without_their_passwords(tmp_path):
    env = {**make_test_env("postgresql+psycopg://suarawarga:pg-s3cret@postgres:5432/sw",
                           tmp_path),
           "REDIS_URL": "redis://:r3dis-s3cret@redis:6379/0"}
    # No such database here: the setup checklist, which reads it, is left out.
    result = CliRunner(env=env).invoke(cli, ["check", "--settings-only"])
    assert result.exit_code == 0, result.output
    assert "database: postgresql+psycopg://suarawarga:***@postgres:5432/sw" in result.output
    assert "queue: Redis redis://:***@redis:6379/0" in result.output
    assert "s3cret" not in result.output



def test_the_demo_password_is_in_the_published_list_the_rule_refuses():
    from accounts.passwords import PUBLISHED_PASSWORDS
    from hotline.demo import DEMO_PASSWORD

    assert DEMO_PASSWORD in PUBLISHED_PASSWORDS
