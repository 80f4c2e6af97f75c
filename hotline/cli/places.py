"""``hotline places``: the gazetteer of kecamatan and desa/kelurahan (analytics/)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from accounts.models import User
from hotline.cli.common import app_runtime
from tickets.errors import InvalidInput
from tickets.models import Role


@click.group(cls=AppGroup)
def places() -> None:
    """The regency's kecamatan and desa/kelurahan, for ticket locations."""


@places.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "username", default=None,
              help="Admin user recorded as importing (default: the first active admin).")
def places_import(csv_file: Path, username: str | None) -> None:
    """Import FILE.csv (columns kecamatan,desa,kode_pos,alias; a header row first).
    Existing places are updated, none removed; a file with a bad row imports nothing."""
    from analytics.places import import_csv

    runtime = app_runtime()
    try:
        with runtime.transaction() as session:
            query = select(User).where(User.role == Role.ADMIN, User.active.is_(True))
            if username:
                query = query.where(User.username == username)
            admin = session.scalar(query.order_by(User.id).limit(1))
            if admin is None:
                raise click.ClickException("no active admin user: create one with "
                                           "`hotline users create-admin USERNAME`")
            result = import_csv(session, admin, csv_file.read_bytes())
    except InvalidInput as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"places imported: {result.added} added, {result.updated} updated")


@places.command("list")
def places_list() -> None:
    """Print the gazetteer: each kecamatan with its desa/kelurahan."""
    from analytics.places import places_tree

    with app_runtime().session() as session:
        tree = places_tree(session)
        if not tree:
            click.echo("no places yet: `hotline places import FILE.csv`")
        for kecamatan, desas in tree:
            click.echo(f"{kecamatan.name} ({len(desas)}): "
                       + ", ".join(d.name for d in desas))
