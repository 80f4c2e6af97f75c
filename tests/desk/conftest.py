"""The desk's cast: demo users, a second operator and a second PUPR admin, and tickets
made through the domain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.models import User
from tests.agents.conftest import make_ticket, pokja_named, user_named  # noqa: F401  (fixture)
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Category, Channel, Pokja, Role, Status, Ticket
from tickets.services import create_ticket

TZ = "Asia/Jakarta"
BUDI = "+6281234567890"


@pytest.fixture
def users(db: Session) -> Callable[[str], User]:
    return lambda name: db.scalars(select(User).where(User.username == name)).one()


@pytest.fixture
def ticket_of(db: Session) -> Callable[..., Ticket]:
    """A ticket of a reporter, in a status, in a pokja's category (PUPR by default)."""

    def make(status: Status = Status.AWAITING_VERIFICATION, code: str = "PUPR", *,
             phone: str | None = BUDI, **fields: Any) -> Ticket:
        category = db.scalars(select(Category).join(Pokja).where(Pokja.code == code)).first()
        ticket = create_ticket(db, channel=fields.pop("channel", Channel.PHONE), actor=SYSTEM,
                               tz=TZ, category=category, reporter_phone=phone,
                               reporter_name=fields.pop("reporter_name", "Budi Santoso"),
                               description=fields.pop("description", "Jalan berlubang."))
        for key, value in fields.items():
            setattr(ticket, key, value)
        if category is not None:
            ticket.pokja_id = category.pokja_id
        for target in {Status.FORWARDED: [Status.FORWARDED],
                       Status.ANSWERED: [Status.FORWARDED, Status.ANSWERED]}.get(status, []):
            transition(db, ticket, target, SYSTEM, tz=TZ)
        db.commit()
        return ticket

    return make



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
