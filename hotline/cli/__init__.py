"""The ``hotline`` command: run, migrate, seed, users, simulate calls; the other groups
live in ``cli_*`` modules and are mounted at the end."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup

from hotline.cli import places as places_command
from hotline.cli import suggest as suggest_command
from hotline.cli.common import app_runtime
from hotline.cli.export import export as export_command
from hotline.cli.open311 import open311
from hotline.cli.records import outbox, tickets
from hotline.quick import listen as listen_command
from hotline.settings import REPO_ROOT, ConfigError, Settings, load_settings, mask_url


def _create_app() -> Flask:
    from hotline.app import create_app

    try:
        return create_app()
    except ConfigError as exc:
        raise click.ClickException(f"configuration error: {exc}") from exc


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False)
def cli() -> None:
    """Suara Warga: voice hotline and complaint tickets."""


# --- database ----------------------------------------------------------------------------

@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations."""
    from hotline.migrate import upgrade

    upgrade(app_runtime().settings.database_url)
    click.echo("database is up to date")


@cli.command("seed-demo")
def seed_demo() -> None:
    """Create demo pokja, categories and one user per role (password: suarawarga)."""
    from hotline.demo import DEMO_PASSWORD, sign_in_lines
    from hotline.demo import seed_demo as seed

    if app_runtime().settings.production:
        raise click.ClickException(
            "seed-demo is refused in production (HOTLINE_ENV=production): its users' "
            f"password '{DEMO_PASSWORD}' is published. Create the first admin with "
            "`hotline users create-admin USERNAME`, then pokja, categories and users in "
            "the console.")
    with app_runtime().transaction() as session:
        created = seed(session, app_runtime().settings.recordings_dir,
                       app_runtime().settings.timezone)
        if created:  # an escalated ticket and a ketua RT's complaint (not in the tests)
            from escalation.demo import seed_samples
            seed_samples(session)
    click.echo("demo data created" if created else "demo data already present")
    click.echo(f"sign in at /console/ as (password '{DEMO_PASSWORD}' for every user):")
    click.echo("\n".join(sign_in_lines()))


# --- users -------------------------------------------------------------------------------

@cli.group()
def users() -> None:
    """Console users: the first admin, a forgotten password."""


def _new_password(username: str, from_stdin: bool) -> str:
    """The new password: one line of stdin, or typed twice at a hidden prompt."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(f"New password for {username}", hide_input=True,
                                confirmation_prompt=True)
    if not password:
        raise click.ClickException("no password given")
    return password


@users.command("create-admin")
@click.argument("username")
@click.option("--full-name", default="", help="Shown in the console (default: the username).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of stdin instead of prompting.")
def users_create_admin(username: str, full_name: str, password_stdin: bool) -> None:
    """Create an admin user (the first one of a new installation)."""
    from accounts.services import create_user
    from tickets.errors import InvalidInput
    from tickets.models import Role

    runtime = app_runtime()
    password = _new_password(username, password_stdin)
    try:
        with runtime.transaction() as session:
            create_user(session, username=username, full_name=full_name, password=password,
                        role=Role.ADMIN, min_length=runtime.settings.min_password_length)
    except InvalidInput as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"admin {username.strip().lower()} created; sign in at /console/")


@users.command("reset-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of stdin instead of prompting.")
def users_reset_password(username: str, password_stdin: bool) -> None:
    """Give a user a new password; their open console sessions end and a sign-in lock
    on the account is lifted."""
    from accounts.services import set_password, user_by_username
    from tickets.errors import InvalidInput, NotFound

    runtime = app_runtime()
    with runtime.session() as session:
        try:
            name = user_by_username(session, username).username
        except NotFound as exc:
            raise click.ClickException(exc.message) from exc
    password = _new_password(name, password_stdin)
    try:
        with runtime.transaction() as session:
            set_password(session, user_by_username(session, name), password,
                         min_length=runtime.settings.min_password_length)
    except InvalidInput as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"password of {name} changed; their open sessions have ended")


# --- the call simulator --------------------------------------------------------------------

@cli.command("call")
@click.option("--url", default=None, help="Hotline server (default http://HOST:PORT).")
@click.option("--keys", "-k", multiple=True,
              help="Keys for each menu in order, e.g. -k 1 -k 2 -k 1 -k 1; '-' = no input.")
@click.option("--recording", "-r", multiple=True, type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Audio file the caller 'speaks' at each <Record>.")
@click.option("--from", "from_number", default="+6281234567890", show_default=True)
@click.option("--interactive/--no-interactive", default=None,
              help="Ask for keys on the terminal when --keys run out (default: if a TTY).")
@click.option("--unsigned", is_flag=True, help="Send no X-Twilio-Signature (expect 403).")
@click.option("--auth-token", default=None,
              help="Token to sign with (default: the configured one).")
@click.option("--wait", default=60.0, show_default=True,
              help="Seconds to keep serving the recording until the hotline has fetched it.")
def call(url: str | None, keys: tuple[str, ...], recording: tuple[Path, ...], from_number: str,
         interactive: bool | None, unsigned: bool, auth_token: str | None, wait: float) -> None:
    """Simulate a phone call to the hotline, playing Twilio's part."""
    from devtools.call_simulator import CallError, CallSimulator

    settings = app_runtime().settings
    if url is None:
        url = f"http://{settings.host}:{settings.port}"
    if interactive is None:
        interactive = sys.stdin.isatty()
    sim = CallSimulator(
        url, auth_token or settings.twilio_auth_token, account_sid=settings.twilio_account_sid,
        keys=keys, recordings=recording, from_number=from_number, sign=not unsigned,
        ask=(lambda prompt: click.prompt(prompt, default="", show_default=False))
        if interactive else None,
        echo=click.echo, public_base_url=settings.public_base_url,
    )
    click.echo(f"calling {url} as {from_number} ({sim.result.call_sid})")
    try:
        result = sim.run(wait_for_download=wait if recording else 0)
    except CallError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"call ended ({result.ended})")
    if result.ticket_number:
        click.echo(f"ticket number: {result.ticket_number}")


# --- running everything ----------------------------------------------------------------------

@cli.command("run")
@click.option("--host", default=None,
              help="Interface (env HOST, default 127.0.0.1). Any other than loopback needs "
                   "SECRET_KEY and TWILIO_AUTH_TOKEN set to your own values.")
@click.option("--port", default=None, type=int, help="Port (env PORT, default 5000).")
@click.option("--workers", default=None, type=int,
              help="gunicorn worker processes (default: gunicorn.conf.py's).")
@click.option("--with-worker/--no-worker", default=None,
              help="Start the Celery workers too (default: yes in embedded mode).")
def run(host: str | None, port: int | None, workers: int | None,
        with_worker: bool | None) -> None:
    """Migrate, then serve the hotline (gunicorn) with its Celery workers."""
    from hotline.migrate import upgrade

    settings = app_runtime().settings
    host, port = host or settings.host, port or settings.port
    try:
        settings.refuse_published_secrets(host)
    except ConfigError as exc:
        raise click.ClickException(f"configuration error: {exc}") from exc
    upgrade(settings.database_url)
    settings.recordings_dir.mkdir(parents=True, exist_ok=True)
    if with_worker is None:
        with_worker = settings.embedded
    python = sys.executable
    procs: list[subprocess.Popen[bytes]] = []
    if with_worker:
        celery = [python, "-m", "celery", "-A", "hotline.worker", "worker", "--loglevel=INFO"]
        procs.append(subprocess.Popen(
            [*celery, "-Q", "speech", "-c", "1", "-n", "speech@%h"]))
        procs.append(subprocess.Popen(
            [*celery, "-Q", "default", "-c", "2", "-n", "default@%h", "--beat"]))
    # The same gunicorn.conf.py as docker-compose and benchmarks/ivr.py.
    web = [python, "-m", "gunicorn", "-c", str(REPO_ROOT / "gunicorn.conf.py"),
           "hotline.wsgi:app", "--bind", f"{host}:{port}"]
    if workers:
        web += ["--workers", str(workers)]
    procs.append(subprocess.Popen(web))
    click.echo(f"Suara Warga on http://{host}:{port}  (console: /console, webhook: /ivr/voice)")
    _supervise(procs)


def _supervise(procs: list[subprocess.Popen[bytes]]) -> None:
    """Wait until one child exits or we are interrupted, then stop them all."""
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping and all(p.poll() is None for p in procs):
            time.sleep(0.5)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        deadline = time.monotonic() + 20
        for p in procs:
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
    codes = [p.returncode for p in procs]
    if not stopping and any(codes):
        raise click.ClickException(f"a process exited unexpectedly (exit codes {codes})")


@cli.command("check")
@click.option("--strict", is_flag=True,
              help="Exit with status 1 while a setup step is still open.")
@click.option("--settings-only", is_flag=True,
              help="Check the settings only; do not read the database for the checklist.")
def check(strict: bool, settings_only: bool) -> None:
    """Validate the settings (startup does this too), print a summary and the setup
    checklist: what the install still lacks before citizens can be served."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    # Printed URLs end up in terminals, CI logs and support tickets: never their passwords.
    mode = ("embedded (no Redis)" if settings.redis_url is None
            else f"Redis {mask_url(settings.redis_url)}")
    limits = settings.ratelimit_storage
    limits = "memory (each process counts alone)" if limits == "memory://" else mask_url(limits)
    click.echo(f"environment: {settings.env}\ndatabase: {mask_url(settings.database_url)}\n"
               f"queue: {mode}\nspeech engine: {settings.speech.engine}\n"
               f"rate limits: {limits}\n"
               f"proxy hops trusted for the client address: {settings.trusted_proxy_hops}")
    from hotline.runtime import notify_config
    from notify import providers

    config = notify_config(settings)
    for channel in ("sms", "voice", "whatsapp", "wa_template", "email"):
        reason = providers.not_configured(channel, config)
        click.echo(f"notify {channel}: {'ready' if reason is None else 'held (' + reason + ')'}")
    if settings_only:
        return
    open_steps = _print_setup_checklist(settings)
    if strict and open_steps:
        raise click.exceptions.Exit(1)


def _print_setup_checklist(settings: Settings) -> int:
    """The checklist the admin console shows (accounts.setup); the number of open steps."""
    from sqlalchemy.exc import SQLAlchemyError

    from accounts import setup
    from tickets.reference import hotline_settings

    try:
        with app_runtime().session() as session:
            steps = setup.checklist(session, hotline_settings(session,
                                                              settings.hotline_defaults()))
    except SQLAlchemyError as exc:
        click.echo(f"setup: the database cannot be read ({type(exc).__name__}); "
                   "run `hotline db upgrade`")
        return 1
    still = setup.missing(steps)
    click.echo("setup: ready, every step is done" if not still else
               f"setup: {len(still)} of {len(steps)} steps open "
               "(the console's Persiapan page lists them too)")
    for step in steps:
        click.echo(f"  [{'x' if step.done else ' '}] {step.title}: {step.detail}")
    return len(still)


def _mount_speech_commands() -> None:
    from speech.cli import models

    cli.add_command(models)


_mount_speech_commands()
cli.add_command(tickets)
cli.add_command(outbox)
cli.add_command(export_command)
cli.add_command(places_command.places)
cli.add_command(suggest_command.suggest)
cli.add_command(open311)
cli.add_command(listen_command)  # also served without the app by hotline.quick


def _mount_chat() -> None:
    from hotline.cli.chat import chat

    cli.add_command(chat)


_mount_chat()


def main() -> None:
    cli(prog_name="hotline")
