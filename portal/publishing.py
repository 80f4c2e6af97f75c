"""Publishing an answer: an explicit step of the call centre, checked at every write.

The public (the answers site, Open311) reads a ticket's ``public_summary`` and its
answer, nothing else: the summary is written for the public by an operator or a
supervisor (never the transcript, never pre-filled with it), and is checked here not to
name the reporter (for an anonim ticket, nor anything its mask hides). A rahasia ticket
is never published; a ticket that turns rahasia stops being public (:func:`is_public`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from tickets import concurrency
from tickets.clock import iso_utc, utcnow
from tickets.errors import InvalidInput, PermissionDenied
from tickets.lifecycle import WITH_ANSWER, Actor, Principal, record_event
from tickets.models import Ticket
from tickets.permissions import desk_ticket
from tickets.privacy import identifying_problem, identity_left
from tickets.text import clean_name, clean_text

MAX_SUMMARY = 2_000
MAX_ADDRESS = 300


@dataclass(frozen=True)
class PublicText:
    """What the call centre writes for the public: the summary and, optionally, where."""

    summary: str
    address: str = ""


def is_public(ticket: Ticket) -> bool:
    """Whether the answers site and Open311 may show this ticket's summary and answer."""
    return (ticket.answer_published and not ticket.rahasia and ticket.status in WITH_ANSWER
            and bool(ticket.answer) and bool(ticket.public_summary))


def public_fields(ticket: Ticket) -> dict[str, object]:
    """The publication of ``ticket`` for ``hotline tickets show --json``."""
    return {
        "published": is_public(ticket),
        "public_summary": ticket.public_summary,
        "published_at": iso_utc(ticket.published_at),
        "address": ticket.address,
    }


def _check(ticket: Ticket, text: PublicText) -> tuple[str, str]:
    summary = clean_text(text.summary, field="public_summary", max_len=MAX_SUMMARY,
                         label="Ringkasan publik")
    address = clean_name(text.address, field="address", max_len=MAX_ADDRESS,
                         label="Lokasi publik")
    for field, value in (("public_summary", summary), ("address", address)):
        problem = identifying_problem(ticket, value)
        if problem:
            raise InvalidInput(field, f"Teks publik {problem}. Hapus identitas pelapor.")
        # An anonim ticket: not what its mask hides either (what the caller said of
        # themselves); the pages mask it too, but a stored public text must not need it.
        left = identity_left(ticket, value) if ticket.anonim else None
        if left:
            raise InvalidInput(field, f"Teks publik tiket anonim memuat identitas pelapor "
                                      f"({left}). Hapus identitas pelapor.")
    transcript = ticket.transcript
    if summary and transcript is not None and " ".join(transcript.text.lower().split()) == \
            " ".join(summary.lower().split()):
        raise InvalidInput("public_summary", "Ringkasan publik tidak boleh berupa transkrip "
                                             "rekaman; tuliskan ringkasan untuk umum.")
    return summary, address


def _publishable(session: Session, user: Principal, number: str, version: int | None,
                 tz: str) -> Ticket:
    ticket = desk_ticket(session, user, number, version, tz)
    if ticket.rahasia:
        raise PermissionDenied("Tiket rahasia tidak pernah dipublikasikan.")
    return ticket


def save_public_text(session: Session, user: Principal, number: str, text: PublicText, *,
                     version: int | None, tz: str) -> Ticket:
    """Write or edit the public summary (a published one changes on the site at once)."""
    ticket = _publishable(session, user, number, version, tz)
    summary, address = _check(ticket, text)
    if (summary, address) != (ticket.public_summary or "", ticket.address or ""):
        ticket.public_summary = summary or None
        ticket.address = address or None
        record_event(session, ticket, Actor.of(user), "edit", "Ringkasan publik diubah.")
    concurrency.flush(session, ticket, tz)
    return ticket


def publish(session: Session, user: Principal, number: str, text: PublicText, *,
            version: int | None, tz: str) -> Ticket:
    """Save the public text and publish it with the answer of an answered (or closed)
    ticket."""
    ticket = _publishable(session, user, number, version, tz)
    summary, address = _check(ticket, text)
    if ticket.status not in WITH_ANSWER or not ticket.answer:
        raise InvalidInput("publish", "Hanya tiket yang sudah dijawab yang dapat "
                                      "dipublikasikan.")
    if not summary:
        raise InvalidInput("public_summary", "Tuliskan ringkasan publik sebelum "
                                             "mempublikasikan.")
    ticket.public_summary, ticket.address = summary, address or None
    if not ticket.answer_published:
        ticket.answer_published = True
        ticket.published_at = utcnow()
        ticket.published_by_id = user.id
        record_event(session, ticket, Actor.of(user), "edit", "Jawaban dipublikasikan.")
    concurrency.flush(session, ticket, tz)
    return ticket


def unpublish(session: Session, user: Principal, number: str, *, version: int | None,
              tz: str) -> Ticket:
    ticket = desk_ticket(session, user, number, version, tz)
    if ticket.answer_published:
        ticket.answer_published = False
        ticket.published_at = None
        ticket.published_by_id = None
        record_event(session, ticket, Actor.of(user), "edit", "Publikasi jawaban dicabut.")
    concurrency.flush(session, ticket, tz)
    return ticket
