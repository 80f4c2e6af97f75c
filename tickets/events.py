"""Domain events: what happened to a ticket, handed to listeners in the same transaction.

The ticket domain publishes; it does not know who listens. The composition root
(``hotline``) builds one :class:`Dispatcher`, subscribes the listeners (the outbox of
notifications, the download and transcription queues) and binds it to its session
factory, so every session of the process carries it. A listener runs inside the
publishing transaction: what it writes commits or rolls back with the change, and work
for a queue is registered with :func:`tickets.db.after_commit`, never sent before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tickets.db import DISPATCHER as SESSION_KEY
from tickets.models import Status, Ticket


@dataclass(frozen=True)
class StatusChanged:
    """``ticket`` moved from ``from_status`` to ``to_status``; ``seq`` counts how often it
    reached ``to_status`` (an answered ticket can be answered again)."""

    ticket: Ticket
    from_status: Status
    to_status: Status
    seq: int


@dataclass(frozen=True)
class RecordingFiled:
    """A call's recording became part of a ticket: it is to be downloaded."""

    recording_id: int


@dataclass(frozen=True)
class RecordingStored:
    """A recording is on local disk: it is to be transcribed."""

    recording_id: int


@dataclass(frozen=True)
class ComplaintText:
    """Words of a complaint arrived: ``source`` is ``transkrip`` (the machine transcript),
    ``pengaduan`` (a new ticket, with its typed text or none yet), ``uraian`` (the verified
    description changed) or ``pesan`` (a message from the reporter). The listeners (early
    warning, places, duplicates) read ``text`` and the ticket."""

    ticket: Ticket
    text: str
    source: str


@dataclass(frozen=True)
class ContactOptedOut:
    """The reporter asked to receive nothing more about ``ticket``."""

    ticket: Ticket


@dataclass(frozen=True)
class AttachmentFiled:
    """A message's media (a voice note, a photo) is to be downloaded."""

    attachment_id: int


@dataclass(frozen=True)
class AttachmentStored:
    """A voice note is on local disk: it is to be transcribed."""

    attachment_id: int


@dataclass(frozen=True)
class AttachmentFailed:
    """A message's media could not be downloaded or kept, for good (its ``error`` says
    why): the reporter is to be told."""

    attachment_id: int


@dataclass(frozen=True)
class AttachmentResolved:
    """A voice note's transcription ended (done, failed, manual), or its file failed:
    the text of its ticket may now be complete."""

    attachment_id: int


@dataclass(frozen=True)
class ReporterNotice:
    """Tell a reporter who wrote by message something on their channel (``whatsapp`` or
    ``sms``): the prompt ``key`` with ``values``, once per ``event``. ``ticket`` is None
    for a complaint not filed yet."""

    ticket: Ticket | None
    channel: str
    phone: str
    key: str
    values: dict[str, object]
    event: str


@dataclass(frozen=True)
class ReporterMessage:
    """An operator wrote ``body`` to ``ticket``'s reporter, to go by ``channel`` (``sms``,
    ``whatsapp`` within WhatsApp's rules, or ``voice``: a call that reads it), once per
    ``event`` (``pesan#<id>``)."""

    ticket: Ticket
    channel: str
    body: str
    event: str


@dataclass(frozen=True)
class DraftSubmitted:
    """A pokja's answer waits for its head's approval (tickets.followup): the heads are
    to be told."""

    draft_id: int


@dataclass(frozen=True)
class DraftReturned:
    """The head returned a draft answer to the pokja with a note."""

    draft_id: int


Listener = Callable[[Session, Any], None]


@dataclass(frozen=True)
class PokjaActing:
    """A pokja user is about to act on a ticket (answer, progress, hand back). Published
    before the write; a listener that forbids it raises ``PermissionDenied`` (feedback:
    a ticket reopened past the limit is the supervisors' to handle)."""

    ticket_id: int
    user_id: int | None
    role: str


class Dispatcher:
    def __init__(self) -> None:
        self._listeners: dict[type, list[Listener]] = defaultdict(list)

    def subscribe(self, event_type: type, listener: Listener) -> None:
        """Add ``listener``; subscribing the same one twice changes nothing."""
        if listener not in self._listeners[event_type]:
            self._listeners[event_type].append(listener)

    def publish(self, session: Session, event: object) -> None:
        for listener in self._listeners.get(type(event), ()):
            listener(session, event)


def publish(session: Session, event: object) -> None:
    """Hand ``event`` to the listeners bound to ``session``'s factory."""
    dispatcher = session.info.get(SESSION_KEY)
    if not isinstance(dispatcher, Dispatcher):
        # No silent default: a session without listeners would drop notifications.
        raise RuntimeError("this session has no event dispatcher; make sessions with "
                           "tickets.db.make_sessionmaker(engine, dispatcher)")
    dispatcher.publish(session, event)
