"""The unit of work's ON CONFLICT helpers on both backends: ``upsert`` writes a new row
or updates the named columns of the existing one, ``insert_ignore`` keeps the existing
one; the same statement on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tickets.db import insert_ignore, upsert
from tickets.models import HotlineSetting

TABLE = HotlineSetting.__table__


def _rows(db: Session, key: str) -> list[tuple[int, str]]:
    db.expire_all()
    return [(row.id, row.value) for row in db.scalars(
        select(HotlineSetting).where(HotlineSetting.key == key))]


def test_upsert_adds_a_row_then_updates_the_named_columns_of_that_same_row(db: Session):
    upsert(db, TABLE, {"key": "probe_upsert", "value": "Diskominfo"},  # type: ignore[arg-type]
           conflict=["key"], update=["value"])
    db.commit()
    ((first_id, value),) = _rows(db, "probe_upsert")
    assert value == "Diskominfo"
    upsert(db, TABLE, {"key": "probe_upsert", "value": "Kominfo"},  # type: ignore[arg-type]
           conflict=["key"], update=["value"])
    db.commit()
    assert _rows(db, "probe_upsert") == [(first_id, "Kominfo")]  # the same row, updated


def test_insert_ignore_keeps_the_existing_row_and_says_so_with_none(db: Session):
    new_id = insert_ignore(db, TABLE, {"key": "probe_ignore", "value": "a"},  # type: ignore[arg-type]
                           conflict=["key"])
    again = insert_ignore(db, TABLE, {"key": "probe_ignore", "value": "b"},  # type: ignore[arg-type]
                          conflict=["key"])
    db.commit()
    assert new_id is not None and again is None
    assert _rows(db, "probe_ignore") == [(new_id, "a")]
    assert db.scalar(select(func.count()).select_from(TABLE)
                     .where(HotlineSetting.key == "probe_ignore")) == 1
