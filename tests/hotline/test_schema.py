"""The Alembic migrations and the models describe the same schema, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import accounts.models  # noqa: F401  (each registers its tables)
import analytics.models  # noqa: F401
import analytics.suggest_models  # noqa: F401
import feedback.models  # noqa: F401
import notify.models  # noqa: F401
import tickets.models  # noqa: F401
import tickets.sources  # noqa: F401
from tickets.db import Base, make_engine

# Migration 0002 adds trigram indexes for the console's text search on PostgreSQL only
# (raw SQL: gin_trgm_ops has no portable model form); SQLite searches without them.
# Migration 0020 adds one for the reporter's name, the same way.
SEARCH_INDEXES = {"ix_tickets_description_trgm", "ix_transcripts_text_trgm",
                  "ix_tickets_reporter_name_trgm"}


def _not_search_index(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    return not (type_ == "index" and name in SEARCH_INDEXES)


def test_autogenerate_finds_no_difference_between_migrations_and_models(database_url):
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "compare_type": True, "include_object": _not_search_index})
            diff = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diff == []
