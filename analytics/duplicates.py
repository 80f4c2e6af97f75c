"""Possible duplicates and repeat callers.

For each new ticket the candidates are the tickets of the previous ``WINDOW`` (14 days)
from the same reporter number, or at the same place (the same desa, else the same
kecamatan) with a similar text. Two texts are similar when their content words (roots,
without stop words: :func:`analytics.text.content_words`) overlap: at least
``MIN_SHARED`` shared and ``MIN_OVERLAP`` of the shorter text's words (the overlap
coefficient, so a short typed complaint and a long transcript of the same thing meet).
The thresholds are measured on labelled pairs in tests/analytics/test_duplicates.py.

Across sources: a complaint found on a post or in a letter (``tickets.sources``) meets
the phoned, written and other found complaints by the same place-and-text rule, and a
post recorded twice (the same link) is offered as a duplicate at once (``SAME_POST``).

A repeat caller is a reporter number with ``REPEAT_MIN`` or more other tickets in the
``REPEAT_WINDOW`` before this one.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analytics.models import DuplicateCandidate, RepeatCaller, TicketPlace
from analytics.places import DESA_CUES, KEC_CUES
from analytics.text import content_words, normalise
from tickets.db import insert_ignore
from tickets.models import Status, Ticket, Transcript
from tickets.sources import SourceRecorded, TicketSource

WINDOW = timedelta(days=14)
REPEAT_WINDOW = timedelta(days=30)
REPEAT_MIN = 2
MIN_SHARED = 2
MIN_OVERLAP = 0.5
SAME_REPORTER, SAME_PLACE_TEXT = "same_reporter", "same_place_text"
SAME_POST = "same_post"
REASON_LABELS = {SAME_REPORTER: "nomor pelapor sama",
                 SAME_PLACE_TEXT: "lokasi sama dan isi mirip",
                 SAME_POST: "tautan unggahan sama"}
# The same post found again (shared, or recorded by two operators) weeks later.
POST_WINDOW = timedelta(days=90)
MAX_CANDIDATES = 5
PLACE_WORDS = DESA_CUES | KEC_CUES


def similarity(a: str, b: str, ignore: frozenset[str] = frozenset()) -> tuple[float, int]:
    """(overlap coefficient, shared content words) of two texts, not counting ``ignore``
    (the place both name: being at the same place is already the condition)."""
    wa, wb = content_words(a) - ignore, content_words(b) - ignore
    if not wa or not wb:
        return 0.0, 0
    shared = len(wa & wb)
    return shared / min(len(wa), len(wb)), shared


def similar(a: str, b: str) -> bool:
    score, shared = similarity(a, b)
    return shared >= MIN_SHARED and score >= MIN_OVERLAP


def ticket_text(session: Session, ticket: Ticket) -> str:
    transcript = session.scalar(select(Transcript.text).where(
        Transcript.ticket_id == ticket.id))
    return " ".join(t for t in (ticket.description, transcript) if t)


def _earlier(ticket: Ticket, window: timedelta):  # type: ignore[no-untyped-def]
    return select(Ticket).where(
        Ticket.id != ticket.id, Ticket.created_at <= ticket.created_at,
        Ticket.created_at >= ticket.created_at - window,
        Ticket.duplicate_of_id.is_(None), Ticket.status != Status.REJECTED)


def _add(session: Session, ticket: Ticket, other: Ticket, reason: str,
         score: float | None) -> None:
    insert_ignore(session, DuplicateCandidate.__table__, {  # type: ignore[arg-type]
        "ticket_id": ticket.id, "candidate_id": other.id, "reason": reason,
        "score": score, "created_at": ticket.created_at}, ["ticket_id", "candidate_id"])


def refresh(session: Session, ticket: Ticket, text: str,
            place: TicketPlace | None) -> None:
    """Record the candidates of ``ticket`` known so far (the reporter's number at once,
    place and text once they are known) and whether its reporter calls again and again."""
    if ticket.reporter_phone:
        same = list(session.scalars(
            _earlier(ticket, WINDOW).where(Ticket.reporter_phone == ticket.reporter_phone)
            .order_by(Ticket.created_at.desc()).limit(MAX_CANDIDATES)))
        for other in same:
            _add(session, ticket, other, SAME_REPORTER, None)
        earlier = session.scalar(select(func.count()).select_from(
            _earlier(ticket, REPEAT_WINDOW).where(
                Ticket.reporter_phone == ticket.reporter_phone).subquery())) or 0
        if earlier >= REPEAT_MIN and session.get(RepeatCaller, ticket.id) is None:
            session.add(RepeatCaller(ticket_id=ticket.id, earlier=earlier))
    # The relationships, not the ids: a place found just now is not flushed yet.
    if place is None or not text.strip() or not (place.desa or place.kecamatan):
        return
    at_place = (TicketPlace.desa_id == place.desa.id if place.desa
                else TicketPlace.kecamatan_id == place.kecamatan.id)  # type: ignore[union-attr]
    nearby = session.scalars(_earlier(ticket, WINDOW).join(
        TicketPlace, TicketPlace.ticket_id == Ticket.id).where(at_place)
        .order_by(Ticket.created_at.desc()).limit(200))
    named = [p for p in (place.desa, place.kecamatan) if p is not None]
    ignore = PLACE_WORDS | {w for p in named for n in p.names for w in normalise(n).split()}
    scored = []
    for other in nearby:
        score, shared = similarity(text, ticket_text(session, other), frozenset(ignore))
        if shared >= MIN_SHARED and score >= MIN_OVERLAP:
            scored.append((score, other))
    for score, other in sorted(scored, key=lambda s: -s[0])[:MAX_CANDIDATES]:
        _add(session, ticket, other, SAME_PLACE_TEXT, round(score, 2))


def same_post(session: Session, event: SourceRecorded) -> None:
    """Subscribed to :class:`tickets.sources.SourceRecorded`: earlier tickets found on
    the same post (the same link) are candidates."""
    if not event.link:
        return
    ticket = event.ticket
    for other in session.scalars(
            _earlier(ticket, POST_WINDOW).join(TicketSource, TicketSource.ticket_id == Ticket.id)
            .where(TicketSource.link == event.link)
            .order_by(Ticket.created_at.desc()).limit(MAX_CANDIDATES)):
        _add(session, ticket, other, SAME_POST, None)
