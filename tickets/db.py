"""Engine, session factory, and the unit of work's pieces.

The boundary (a web request, a Celery task, a CLI command) owns the transaction: domain
functions take a ``Session``, flush, and never commit or roll back. Work for a queue is
registered with :func:`after_commit` and runs only once the boundary's commit succeeded.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, Enum, Executable, MetaData, Table, create_engine, event
from sqlalchemy.dialects.postgresql import Insert as pg_insert_type
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as sqlite_insert_type
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

log = logging.getLogger(__name__)
AFTER_COMMIT = "tickets.after_commit"
KEEP_ON_REFUSAL = "tickets.keep_on_refusal"
# Session.info key of the domain's event dispatcher (tickets.events).
DISPATCHER = "tickets.dispatcher"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def enum_column(cls: type[enum.Enum], name: str) -> Enum:
    """Store an enum's lowercase values as plain strings with a CHECK, on every backend."""
    return Enum(
        cls, name=name, native_enum=False, length=32,
        values_callable=lambda e: [m.value for m in e], validate_strings=True,
    )


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            # WAL lets the web process read while the worker writes.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def make_sessionmaker(engine: Engine, dispatcher: object) -> sessionmaker[Session]:
    """Sessions bound to ``engine`` that carry the domain's event ``dispatcher``."""
    maker = sessionmaker(bind=engine, expire_on_commit=False, info={DISPATCHER: dispatcher})
    event.listen(maker, "after_commit", _run_after_commit)
    event.listen(maker, "after_rollback", _drop_after_commit)
    return maker


def after_commit(session: Session, work: Callable[[], object]) -> None:
    """Run ``work`` once ``session``'s transaction has committed; never if it rolls back."""
    session.info.setdefault(AFTER_COMMIT, []).append(work)


def _run_after_commit(session: Session) -> None:
    # SQLAlchemy also announces a SAVEPOINT's release as a commit (``attempt``): the
    # work waits for the real one, or a worker would look for rows not yet committed.
    if session.get_nested_transaction() is not None:
        return
    for work in session.info.pop(AFTER_COMMIT, []):
        try:
            work()
        except Exception:  # a broker outage: the sweeps pick the work up later
            log.exception("work after commit failed; the sweep will retry it")


def _drop_after_commit(session: Session) -> None:
    session.info.pop(AFTER_COMMIT, None)


@contextmanager
def attempt(session: Session) -> Iterator[None]:
    """One step of a batch in a SAVEPOINT: a step that raises leaves nothing behind (its
    rows, and the work it registered to run after the commit) while the batch goes on."""
    queued = list(session.info.get(AFTER_COMMIT, []))
    if session.get_bind().dialect.name == "sqlite":
        # pysqlite opens its transaction only at the first write: a SAVEPOINT before it
        # would be the outermost, and releasing it would commit the request's work.
        raw = session.connection().connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            raw.execute("BEGIN")
    try:
        with session.begin_nested():
            yield
    except BaseException:
        session.info[AFTER_COMMIT] = queued
        raise


def keep_on_refusal(session: Session) -> None:
    """Have the web boundary commit ``session`` although its response refuses the request.

    A response with an error status (400 or more) rolls back whatever the request wrote,
    so a refused form leaves no half of its change behind. A refusal that is itself a
    fact to keep (a failed sign-in, which the throttle counts) marks its unit of work."""
    session.info[KEEP_ON_REFUSAL] = True


def kept_on_refusal(session: Session) -> bool:
    return bool(session.info.get(KEEP_ON_REFUSAL, False))


@contextmanager
def transaction(maker: Callable[[], Session]) -> Iterator[Session]:
    """One unit of work outside a web request: commit on success, roll back on error."""
    with maker() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _insert(session: Session, table: Table) -> pg_insert_type | sqlite_insert_type:
    """The dialect's INSERT, the one that knows ON CONFLICT (PostgreSQL's or SQLite's):
    the one place that tells the two backends apart for a write."""
    if session.get_bind().dialect.name == "postgresql":
        return pg_insert(table)
    return sqlite_insert(table)


def insert_ignore(session: Session, table: Table, values: Mapping[str, Any],
                  conflict: Sequence[str]) -> int | None:
    """INSERT .. ON CONFLICT DO NOTHING RETURNING id: the new row's id, or None when a row
    with the same ``conflict`` columns exists (a retried webhook, a concurrent duplicate)."""
    stmt: Executable = (_insert(session, table).values(**values)
                        .on_conflict_do_nothing(index_elements=list(conflict))
                        .returning(table.c.id))
    return session.execute(stmt).scalar_one_or_none()


def upsert(session: Session, table: Table, values: Mapping[str, Any],
           conflict: Sequence[str], update: Sequence[str]) -> None:
    """INSERT .. ON CONFLICT DO UPDATE: a new row, or the row with the same ``conflict``
    columns given the ``update`` columns of ``values``, its other columns kept. One
    statement, so two writers meeting on the key (two tabs, a retried beat) never fail."""
    stmt = _insert(session, table).values(**values)
    session.execute(stmt.on_conflict_do_update(
        index_elements=list(conflict), set_={name: stmt.excluded[name] for name in update}))


# SQLSTATEs of errors that a second try can clear: serialization failure, deadlock,
# and the connection-exception class (a reset or terminated connection).
_RETRYABLE_SQLSTATES = ("40001", "40P01", "08")


def is_transient(exc: BaseException) -> bool:
    """A database error worth one more try: a dropped connection, a deadlock, a
    serialization failure, SQLite's "database is locked"."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    state = getattr(exc.orig, "sqlstate", None) or ""
    if state.startswith(_RETRYABLE_SQLSTATES):
        return True
    text = str(exc.orig).lower()
    return "database is locked" in text or "server closed the connection" in text or (
        "terminating connection" in text)
