"""``hotline tickets`` and ``hotline outbox``: look at tickets and outgoing messages."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from hotline.cli.common import app_runtime
from hotline.cli.suggest import ticket_keys

# --- tickets -----------------------------------------------------------------------------

@click.group(cls=AppGroup)
def tickets() -> None:
    """Look at tickets."""


@tickets.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--limit", default=50, show_default=True)
def tickets_list(as_json: bool, limit: int) -> None:
    from hotline.cli.ticket_json import recent_tickets, ticket_as_dict

    with app_runtime().session() as session:
        rows = [ticket_as_dict(t) for t in recent_tickets(session, limit)]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("no tickets yet")
    for row in rows:
        click.echo(f"{row['number']}  {row['created_at']}  {row['status']:<22} "
                   f"{row['category'] or '-':<28} transcript: {row['transcript']['status']}")


@tickets.command("show")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def tickets_show(number: str, as_json: bool) -> None:
    from analytics.flags import as_json as ticket_flags
    from feedback.display import feedback_dict
    from hotline.cli.ticket_json import ticket_as_dict
    from messaging.serialize import message_details
    from portal.publishing import public_fields
    from tickets.errors import NotFound
    from tickets.services import ticket_by_number

    with app_runtime().session() as session:
        try:
            ticket = ticket_by_number(session, number)
            row = {**ticket_as_dict(ticket), **feedback_dict(session, ticket),
                   **message_details(session, ticket), **ticket_flags(session, ticket),
                   **ticket_keys(session, ticket), **public_fields(ticket)}
        except NotFound as exc:
            raise click.ClickException(exc.message) from exc
    if as_json:
        click.echo(json.dumps(row, indent=2, ensure_ascii=False))
        return
    for key, value in row.items():
        if isinstance(value, dict):
            click.echo(f"{key}:")
            for k, v in value.items():
                click.echo(f"  {k}: {v}")
        else:
            click.echo(f"{key}: {value}")


# --- the outbox ----------------------------------------------------------------------------

@click.group(cls=AppGroup)
def outbox() -> None:
    """Outgoing SMS, voice calls, WhatsApp and e-mail (the delivery outbox)."""


@outbox.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--status", default=None, help="Only this status (pending, held, failed, ...).")
@click.option("--limit", default=50, show_default=True)
def outbox_list(as_json: bool, status: str | None, limit: int) -> None:
    from notify import outbox as box
    from notify.models import OutboxStatus

    try:
        wanted = OutboxStatus(status) if status else None
    except ValueError as exc:
        raise click.ClickException(f"unknown status {status!r}") from exc
    with app_runtime().session() as session:
        rows = [box.as_dict(r) for r in box.list_recent(session, limit, wanted)]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("the outbox is empty")
    for r in rows:
        click.echo(f"{r['id']:>6}  {r['status']:<9} {r['channel']:<8} {r['recipient']:<28} "
                   f"{r['event']:<16} tries {r['attempts']}  {r['last_error'] or ''}")


@outbox.command("retry")
@click.argument("outbox_id", type=int)
def outbox_retry(outbox_id: int) -> None:
    """Send a failed, dead or held message again."""
    from notify import outbox as box
    from tickets.errors import NotFound

    try:
        with app_runtime().transaction() as session:
            box.retry(session, outbox_id)  # delivery is queued once this commits
    except NotFound as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"message {outbox_id} queued for delivery")
