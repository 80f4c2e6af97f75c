"""Work registered to run after the commit waits for the real commit: a batch step's
SAVEPOINT (``tickets.db.attempt``), which SQLAlchemy also announces as a commit, runs
nothing, and a step that fails takes its own work away."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tickets.db import after_commit, attempt, make_engine, make_sessionmaker


@pytest.mark.parametrize("savepoints", [1, 3])
def test_work_runs_once_at_the_real_commit_not_at_a_savepoint(tmp_path: Path,
                                                               savepoints: int) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'unit.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    session = make_sessionmaker(engine, dispatcher=None)()
    ran: list[int] = []
    for n in range(savepoints):
        with attempt(session):
            session.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
            after_commit(session, lambda n=n: ran.append(n))
        assert ran == []  # the step is done, the batch is not
    with pytest.raises(RuntimeError), attempt(session):
        after_commit(session, lambda: ran.append(-1))
        raise RuntimeError("refused")
    session.commit()
    assert ran == list(range(savepoints))
    session.close()
    engine.dispose()
