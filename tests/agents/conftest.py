"""The console's cast and helpers: a Flask test client per user, CSRF tokens read from
the page as a browser would, and tickets made through the domain."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.models import User
from analytics.models import KeywordGroup, Severity, TicketAlert
from hotline.demo import DEMO_PASSWORD
from tickets.lifecycle import SYSTEM, transition
from tickets.models import (
    Category,
    Channel,
    Pokja,
    Recording,
    Status,
    Ticket,
    TranscriptionStatus,
)
from tickets.services import create_ticket

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


TICKET_ACTION = re.compile(r"(/console/tiket/\d+)/[a-z-]+")
VERSION = re.compile(r'name="version" value="(\d+)"')


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on ``path``, read from the page as a browser would."""
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    found = TOKEN.search(page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


class Agent:
    """A signed-in browser session of one cast member."""

    def __init__(self, client: FlaskClient, username: str) -> None:
        self.client = client
        self.username = username

    def token(self, path: str = "/console/") -> str:
        return csrf_token(self.client, path)

    def get(self, path: str, **kw: Any):  # type: ignore[no-untyped-def]
        return self.client.get(path, **kw)

    def post(self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True,
             **kw: Any):  # type: ignore[no-untyped-def]
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token())
        action = TICKET_ACTION.fullmatch(path)
        if action and "version" not in data:
            # As a browser would: the form carries the version the page was rendered from.
            page = self.client.get(action.group(1)).get_data(as_text=True)
            if found := VERSION.search(page):
                data["version"] = found.group(1)
        return self.client.post(path, data=data, **kw)


def sign_in(client: FlaskClient, username: str, password: str = DEMO_PASSWORD):  # type: ignore[no-untyped-def]
    page = client.get("/console/masuk").get_data(as_text=True)
    token = TOKEN.search(page).group(1)  # type: ignore[union-attr]
    return client.post("/console/masuk", data={"username": username, "password": password,
                                               "csrf_token": token})


@pytest.fixture
def agent(app: Flask) -> Callable[[str], Agent]:
    def make(username: str) -> Agent:
        client = app.test_client()
        response = sign_in(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return Agent(client, username)

    return make


@pytest.fixture
def operator(agent: Callable[[str], Agent]) -> Agent:
    return agent("operator")


@pytest.fixture
def pokja(agent: Callable[[str], Agent]) -> Agent:
    return agent("pokja")


@pytest.fixture
def pokja2(agent: Callable[[str], Agent]) -> Agent:
    return agent("pokja2")


@pytest.fixture
def pokja3(agent: Callable[[str], Agent]) -> Agent:
    """The education agency's admin (DISDIK: its answers wait for the head's approval)."""
    return agent("pokja3")


@pytest.fixture
def head(agent: Callable[[str], Agent]) -> Agent:
    """DISDIK's head (pimpinan OPD), who approves its answers."""
    return agent("pimpinan")


@pytest.fixture
def leadership(agent: Callable[[str], Agent]) -> Agent:
    """The regent's office (pimpinan daerah)."""
    return agent("bupati")


@pytest.fixture
def supervisor(agent: Callable[[str], Agent]) -> Agent:
    return agent("supervisor")


@pytest.fixture
def admin(agent: Callable[[str], Agent]) -> Agent:
    return agent("admin")


def pokja_named(db: Session, code: str) -> Pokja:
    return db.scalars(select(Pokja).where(Pokja.code == code)).one()


def user_named(db: Session, username: str) -> User:
    return db.scalars(select(User).where(User.username == username)).one()


def warn_of_conflict(db: Session, ticket: Ticket) -> None:
    """An early warning on ``ticket``: a keyword group's alert, as the analytics raise it."""
    group = KeywordGroup(name="Konflik", words="bentrok", severity=Severity.HIGH)
    db.add(group)
    db.flush()
    db.add(TicketAlert(ticket_id=ticket.id, group_id=group.id, matched=["bentrok"],
                       source="uraian"))
    db.commit()


@pytest.fixture
def make_ticket(db: Session) -> Callable[..., Ticket]:
    """A ticket in the given status, for the given pokja's category (PUPR by default)."""

    def make(status: Status = Status.AWAITING_VERIFICATION, code: str = "PUPR",
             **fields: Any) -> Ticket:
        category = db.scalars(select(Category).join(Pokja).where(Pokja.code == code)).first()
        ticket = create_ticket(db, channel=Channel.WALK_IN, actor=SYSTEM, tz="Asia/Jakarta",
                               category=category, reporter_name="Budi Santoso",
                               reporter_phone="+6281234567890",
                               description=fields.pop("description", "Jalan berlubang."))
        for key, value in fields.items():
            setattr(ticket, key, value)
        path = {
            Status.FORWARDED: [Status.FORWARDED],
            Status.IN_PROGRESS: [Status.FORWARDED, Status.IN_PROGRESS],
            Status.ANSWERED: [Status.FORWARDED, Status.ANSWERED],
            Status.POSTPONED: [Status.POSTPONED],
        }.get(status, [])
        for target in path:
            transition(db, ticket, target, SYSTEM, tz="Asia/Jakarta")
        if status is Status.ANSWERED and not ticket.answer:
            ticket.answer = "Jalan sudah diperbaiki."
        db.commit()
        return ticket

    return make


def reload(db: Session, ticket: Ticket) -> Ticket:
    db.expire_all()
    return db.get(Ticket, ticket.id)  # type: ignore[return-value]


def recorded_phone_ticket(db: Session, recording_sid: str) -> tuple[Ticket, Recording]:
    """A phone complaint waiting for its transcript, with one (not yet stored) recording."""
    ticket = create_ticket(db, channel=Channel.PHONE, actor=SYSTEM, tz="Asia/Jakarta",
                           reporter_phone="+6281111", status=Status.RECORDED,
                           transcription_status=TranscriptionStatus.PENDING)
    recording = Recording(ticket=ticket, recording_sid=recording_sid)
    db.add(recording)
    db.commit()
    return ticket, recording
