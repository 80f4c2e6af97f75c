"""Helpers: a phoned-in ticket whose transcript arrives as the worker stores it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from hotline.runtime import Runtime
from media import transcripts
from tickets.lifecycle import SYSTEM
from tickets.models import Channel, Recording, Status, Ticket, TranscriptionStatus
from tickets.services import create_ticket


@pytest.fixture
def runtime(app: Flask) -> Runtime:
    return app.extensions["hotline"]


@pytest.fixture
def phoned(runtime: Runtime) -> Callable[..., str]:
    """File a phone ticket from ``phone``, then store ``text`` as its transcript, each in
    its own transaction as the IVR and the speech worker do; returns the ticket number."""
    count = iter(range(1, 10_000))

    def call(text: str, phone: str = "+6281234567890") -> str:
        sid = f"RE{next(count):032x}"
        with runtime.transaction() as session:
            ticket = create_ticket(session, channel=Channel.PHONE, actor=SYSTEM,
                                   tz="Asia/Jakarta", reporter_phone=phone,
                                   status=Status.RECORDED,
                                   transcription_status=TranscriptionStatus.PENDING)
            session.flush()
            recording = Recording(ticket=ticket, recording_sid=sid)
            session.add(recording)
            session.flush()
            recording_id, number = recording.id, ticket.number
        with runtime.transaction() as session:
            transcripts.store_transcript(session, recording_id,
                                         {"text": text, "engine": "test"}, tz="Asia/Jakarta")
        return number

    return call


def ticket_of(session, number: str) -> Ticket:  # type: ignore[no-untyped-def]
    from tickets.services import ticket_by_number

    session.expire_all()
    return ticket_by_number(session, number)
