"""The ``hotline`` command's entry point, with a fast path for ``listen`` and ``suggest``.

Every other command builds the Flask app (and so imports flask, Celery, Twilio, the
speech engines): seconds before the first line. ``hotline listen`` and ``hotline suggest
TEXT`` are meant for scripts and batch scoring, so they import none of that: against the
demo configuration (the gazetteer CSV, the demo keyword groups and categories, the seed
routing model stored as arrays) they read no database at all, and against the database
named by ``--database-url``/``DATABASE_URL`` (checked by :mod:`hotline.settings`) only
SQLAlchemy and the tables. ``hotline suggest retrain`` and the rest go to
:mod:`hotline.cli`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from analytics.listening import Hearing

_DB_HELP = ("Database to read the places, keyword groups, categories and routing model "
            "from (default: the DATABASE_URL environment variable; without either, the demo "
            "configuration).")


def demo_hearing() -> Hearing:
    """The demo configuration of ``make run`` without its database: the shipped gazetteer,
    the demo categories and pokja, the seed routing model."""
    from analytics.compact import CompactModel
    from analytics.gazetteer import Gazetteer
    from analytics.listening import CategoryInfo, Hearing
    from hotline.demo_data import DEMO_CATEGORIES, DEMO_POKJA

    pokja = {code: name for code, name, _ in DEMO_POKJA}
    categories = [CategoryInfo(name, code, pokja.get(code) if code else None)
                  for _, name, code in DEMO_CATEGORIES]
    return Hearing(Gazetteer.from_csv(), CompactModel.load(), categories)


def database_hearing(database_url: str) -> Hearing:
    """The configuration in a database: its active places, keyword groups (an override:
    a match always alarms) and categories, and its newest routing model (the seed model
    as arrays while none was trained)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session, selectinload

    import hotline.schema  # noqa: F401  (every table, before a mapper is used)
    from analytics import matching
    from analytics.events import EventModel
    from analytics.listening import CategoryInfo, Group, Hearing
    from analytics.models import EventModelRow, KeywordGroup
    from analytics.places import gazetteer
    from analytics.suggestions import current_classifier
    from hotline.settings import ConfigError, load_settings
    from tickets.db import make_engine
    from tickets.models import Category

    try:
        url = load_settings({"DATABASE_URL": database_url}).database_url
    except ConfigError as exc:
        raise click.ClickException(f"configuration error: {exc}") from exc
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            places = gazetteer(session)
            categories = [CategoryInfo(c.name, c.pokja.code if c.pokja else None,
                                       c.pokja.name if c.pokja else None, c.id, c.pokja_id)
                          for c in session.scalars(
                              select(Category).where(Category.active.is_(True))
                              .options(selectinload(Category.pokja)).order_by(Category.id))]
            groups = [Group(g.name, g.severity.value, tuple(matching.phrases(g.word_list)),
                            g.mode, tuple(g.kind_list))
                      for g in session.scalars(select(KeywordGroup).where(
                          KeywordGroup.active.is_(True)).order_by(KeywordGroup.id))]
            # The early-warning model an admin activated, else the shipped one.
            blob = session.scalar(select(EventModelRow.blob)
                                  .where(EventModelRow.active.is_(True))
                                  .order_by(EventModelRow.id.desc()).limit(1))
            model = EventModel.loads(blob) if blob else None
            # The newest trained model (scikit-learn), else the shipped seed arrays.
            ranker = current_classifier(session)
    except Exception as exc:  # a database that cannot be read: say which, plainly
        if isinstance(exc, click.ClickException):
            raise
        raise click.ClickException(f"basis data tidak dapat dibaca: {exc}") from exc
    finally:
        engine.dispose()
    return Hearing(places, ranker, categories, groups, model)


def _hearing(database_url: str | None) -> Hearing:
    return database_hearing(database_url) if database_url else demo_hearing()


# A complaint is a few hundred characters; a longer line is scored on its start, so one
# runaway line cannot stall a batch.
MAX_TEXT = 10_000


def _stdin() -> Any:
    """stdin that turns bytes which are not UTF-8 into U+FFFD instead of failing the
    batch halfway."""
    stream = sys.stdin
    if hasattr(stream, "reconfigure"):
        stream.reconfigure(errors="replace")
    return stream


def _lines(stream: Any) -> Iterator[str]:
    for line in stream:
        yield line.rstrip("\r\n")[:MAX_TEXT]


@click.command("listen")
@click.argument("text", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per text.")
@click.option("--database-url", envvar="DATABASE_URL", default=None, help=_DB_HELP)
def listen(text: str | None, as_json: bool, database_url: str | None) -> None:
    """What the hotline hears in a text: early warning, place, category and pokja.

    Without TEXT (or with "-") reads one text per line on stdin and answers one line per
    text, in order (an empty line gets an answer too)."""
    hearing = _hearing(database_url)
    from analytics.listening import summary

    def answer(one: str) -> None:
        result = hearing.listen(one)
        click.echo(json.dumps(result, ensure_ascii=False) if as_json else summary(result))

    if text is not None and text != "-":
        answer(text[:MAX_TEXT])
        return
    for i, line in enumerate(_lines(_stdin())):
        if not as_json and i:
            click.echo("")
        answer(line)


@click.command("suggest")
@click.argument("text", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--database-url", envvar="DATABASE_URL", default=None, help=_DB_HELP)
def suggest(text: str | None, as_json: bool, database_url: str | None) -> None:
    """Suggest a category and pokja for TEXT ("-" or nothing: read it from stdin).
    `hotline suggest retrain` retrains the model in the database."""
    if text is None or text == "-":
        text = _stdin().read()
    result = _hearing(database_url).suggest(text[:MAX_TEXT])
    if result is None:
        raise click.ClickException("teks terlalu pendek atau tidak ada kategori yang dikenal "
                                   "model: tidak ada saran")
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    click.echo(f"category: {result['category']}")
    click.echo(f"pokja: {result['pokja'] or '-'}")
    click.echo(f"confidence: {result['confidence']:.0%}")
    for alt in result["alternatives"]:
        click.echo(f"alternative: {alt['category']} ({alt['pokja'] or '-'}) "
                   f"{alt['confidence']:.0%}")
    click.echo(f"model: {result['model_version']}")


FAST = {"listen": listen, "suggest": suggest}


def is_fast(args: list[str]) -> bool:
    """``listen ...`` and ``suggest [TEXT] ...``, not ``suggest retrain``."""
    if not args or args[0] not in FAST:
        return False
    return not (args[0] == "suggest" and len(args) > 1 and args[1] == "retrain")


def main(args: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if args is None else args)
    if is_fast(args):
        FAST[args[0]].main(args[1:], prog_name=f"hotline {args[0]}")
        return
    from hotline.cli import main as full

    full()
