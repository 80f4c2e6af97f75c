"""``hotline suggest``: the routing suggestion from the command line, and retraining."""

from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import AppGroup

from hotline.cli.common import app_runtime


class _TextOrCommand(AppGroup):
    """``hotline suggest "TEXT"`` suggests; ``hotline suggest retrain`` retrains. A first
    argument that names no subcommand is the complaint text."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = next((a for a in args if not a.startswith("-")), None)
        if first is not None and first not in self.commands:
            args = ["text", *args]
        elif not args or all(a in ("--json",) for a in args):
            args = ["text", *args]
        return super().parse_args(ctx, args)



@click.group("suggest", cls=_TextOrCommand)
def suggest() -> None:
    """Suggest a category and pokja for a complaint text: hotline suggest "TEXT" [--json]."""


@suggest.command("text")
@click.argument("text", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def suggest_text(text: str | None, as_json: bool) -> None:
    """Suggest for TEXT ("-" or nothing: read the text from stdin)."""
    from analytics.suggestions import suggest_text as suggest_for

    if text is None or text == "-":
        text = click.get_text_stream("stdin").read()
    with app_runtime().session() as session:
        suggestion = suggest_for(session, text)
    if suggestion is None:
        raise click.ClickException("teks terlalu pendek atau tidak ada kategori yang dikenal "
                                   "model: tidak ada saran")
    if as_json:
        click.echo(json.dumps(suggestion.as_dict(), indent=2, ensure_ascii=False))
        return
    best = suggestion.best
    click.echo(f"category: {best.category}")
    click.echo(f"pokja: {best.pokja or '-'}")
    click.echo(f"confidence: {best.confidence:.0%}")
    for alt in suggestion.alternatives:
        click.echo(f"alternative: {alt.category} ({alt.pokja or '-'}) {alt.confidence:.0%}")
    click.echo(f"model: {suggestion.model_version}")


@suggest.command("retrain")
def suggest_retrain() -> None:
    """Train on the seed corpus plus the verified tickets, now."""
    from analytics.suggestions import retrain

    with app_runtime().transaction() as session:
        trained = retrain(session)
    state = "new model" if trained.created else "unchanged (no new verified tickets)"
    click.echo(f"{state}: version {trained.version}, {trained.samples} texts "
               f"({trained.verified_samples} from verified tickets)")


def ticket_keys(session: Any, ticket: Any) -> dict[str, Any]:
    """``suggestion`` for ``hotline tickets show --json``: the stored suggestion with its
    model version and the operator's final choice, or None."""
    from analytics.suggestions import stored_as_dict

    return {"suggestion": stored_as_dict(session, ticket.id)}
