"""Partner institutions' fixtures: the console's cast, a PUPR ticket at the pokja, and
the demo partner (PLN, which PUPR and DISDIK may ask)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from partners.models import Partner
from tests.agents.conftest import (  # noqa: F401  (fixtures)
    Agent,
    admin,
    agent,
    make_ticket,
    operator,
    pokja,
    pokja2,
    supervisor,
)
from tickets.models import Status, Ticket

LINK = re.compile(r"(https?://[^ <]+/mitra/([A-Za-z0-9_-]{43}))")


@pytest.fixture
def pln(db: Session) -> Partner:
    return db.scalars(select(Partner).where(Partner.name.like("PLN%"))).one()


@pytest.fixture
def road_ticket(make_ticket: Callable[..., Ticket]) -> Ticket:  # noqa: F811
    return make_ticket(Status.IN_PROGRESS, location="Jl. Poros Desa Sukamaju km 3",
                       description="Tiang listrik miring di tepi jalan yang berlubang.")


def ask(pokja_agent: Agent, ticket: Ticket, partner: Partner,  # noqa: F811
        **fields: str) -> tuple[int, str | None]:
    """The pokja asks ``partner`` from the ticket page; the status and the link shown."""
    form = {"partner_id": str(partner.id), "question": "Kapan tiang listrik diperbaiki?",
            "share_description": "1", "share_location": "1", "link_days": "14",
            "answer_days": "3", **fields}
    response = pokja_agent.post(f"/console/tiket/{ticket.number}/tanya-mitra", form,
                                follow_redirects=True)
    found = LINK.search(response.get_data(as_text=True))
    return response.status_code, found.group(1) if found else None
