"""The desk's cast: the demo's users, a second operator and a second PUPR admin."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from accounts.models import User
from tests.agents.conftest import make_ticket, pokja_named, user_named  # noqa: F401  (fixture)
from tickets.models import Role


def add_user(db: Session, username: str, role: Role, pokja_code: str | None = None) -> User:
    person = User(username=username, full_name=username.replace("_", " ").title(),
                  password_hash="-", role=role,
                  pokja_id=pokja_named(db, pokja_code).id if pokja_code else None)
    db.add(person)
    db.commit()
    return person


@pytest.fixture
def cast(db: Session) -> dict[str, User]:
    return {
        "operator": user_named(db, "operator"),
        "rina": add_user(db, "rina", Role.OPERATOR),
        "supervisor": user_named(db, "supervisor"),
        "pokja": user_named(db, "pokja"),
        "pupr2": add_user(db, "sari_pupr", Role.POKJA, "PUPR"),
        "pokja2": user_named(db, "pokja2"),
        "kepala_pupr": user_named(db, "kepala_pupr"),
        "admin": user_named(db, "admin"),
    }


@pytest.fixture
def pokja_id_of(db: Session):  # type: ignore[no-untyped-def]
    return lambda code: pokja_named(db, code).id
