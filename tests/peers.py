"""Loopback peers for notifications, one of each per session (per xdist worker): a real
SMTP server and the Twilio REST peer. Their ports are part of the settings, so the tests
that use them share one app (tests/isolation.py); each test finds them emptied.

Registered for every test package by ``pytest_plugins`` in tests/conftest.py."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from devtools.notify_peer import TwilioRestPeer
from hotline.settings import DEV_ACCOUNT_SID, DEV_AUTH_TOKEN


@dataclass
class Mailbox:
    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd API)
        with self.lock:
            msg = message_from_bytes(envelope.original_content or envelope.content)
            self.messages.append(msg)
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def mail_server() -> Iterator[Mailbox]:
    box = Mailbox()
    # aiosmtpd needs a port number up front; another process (an xdist worker) can take a
    # free port before the controller binds it, so try a few.
    for attempt in range(3):
        controller = Controller(box, hostname="127.0.0.1", port=free_port())
        try:
            controller.start()
            break
        except (OSError, RuntimeError):
            if attempt == 2:
                raise
    box.port = controller.port  # type: ignore[attr-defined]
    yield box
    controller.stop()


@pytest.fixture
def mailbox(mail_server: Mailbox) -> Mailbox:
    with mail_server.lock:
        mail_server.messages.clear()
    return mail_server


@pytest.fixture(scope="session")
def twilio_server() -> Iterator[TwilioRestPeer]:
    with TwilioRestPeer(DEV_ACCOUNT_SID, DEV_AUTH_TOKEN, hold_timeout=20) as peer:
        yield peer


@pytest.fixture
def twilio(twilio_server: TwilioRestPeer) -> Iterator[TwilioRestPeer]:
    twilio_server.reset()
    yield twilio_server
    twilio_server.reset()  # releases a request a failed test left held
