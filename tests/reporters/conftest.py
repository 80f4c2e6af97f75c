"""The console's cast (tests/agents/conftest.py) for the trusted reporters' tests."""

from tests.agents.conftest import (  # noqa: F401  (fixtures)
    admin,
    agent,
    make_ticket,
    operator,
    pokja,
    supervisor,
)


def desa_named(db, name: str) -> int:  # type: ignore[no-untyped-def]
    """The id of a desa/kelurahan of the demo gazetteer (seeded with every test database)."""
    from sqlalchemy import select

    from analytics.models import Place, PlaceKind

    return db.scalars(select(Place.id).where(Place.kind == PlaceKind.DESA,
                                             Place.name == name)).one()
