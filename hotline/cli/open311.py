"""``hotline open311 keys create LABEL | revoke ID | list``: API keys for Open311 clients
(the console's Admin -> Kunci API does the same)."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from accounts import apikeys
from hotline.cli.common import app_runtime
from tickets.clock import iso_utc
from tickets.errors import DomainError


@click.group(cls=AppGroup)
def open311() -> None:
    """The Open311 GeoReport v2 API."""


@open311.group()
def keys() -> None:
    """API keys that may file requests."""


@keys.command("create")
@click.argument("label")
def keys_create(label: str) -> None:
    """Make a key labelled LABEL (who uses it) and print it; it is shown only this once."""
    try:
        with app_runtime().transaction() as session:
            row, key = apikeys.create_key(session, label)
            key_id = row.id
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"key {key_id} ({label}): {key}")
    click.echo("store it now: only its sha256 is kept, it cannot be shown again", err=True)


@keys.command("revoke")
@click.argument("key_id", type=int)
def keys_revoke(key_id: int) -> None:
    """Revoke key KEY_ID: requests with it are refused from now on."""
    try:
        with app_runtime().transaction() as session:
            row = apikeys.revoke_key(session, key_id)
            label = row.label
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"key {key_id} ({label}) revoked")


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def keys_list(as_json: bool) -> None:
    """Every key: label, prefix, created, last used, revoked (never the key)."""
    with app_runtime().session() as session:
        rows = [{"id": k.id, "label": k.label, "prefix": k.prefix,
                 "created_at": iso_utc(k.created_at), "last_used_at": iso_utc(k.last_used_at),
                 "revoked_at": iso_utc(k.revoked_at)} for k in apikeys.list_keys(session)]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        state = f"revoked {r['revoked_at']}" if r["revoked_at"] else "active"
        click.echo(f"{r['id']:>4}  {r['prefix']}…  {r['label']}  last used "
                   f"{r['last_used_at'] or '-'}  {state}")
