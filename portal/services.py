"""What the public may read of tickets: the tracking page, the answers, Open311 requests.

Every public view is built here from a few fields and nothing else: never the reporter's
name, number or e-mail, a recording, a transcript, the description or a note. A rahasia
ticket shows its status to its own reporter and nothing to anyone else; an anonim one
never shows its address, and its summary and answer are masked (``tickets.privacy``).
The tracking page tells the reporter who gives the second factor what the status line
tells them (``tickets.services.status_report``): the pokja, the answer even unpublished,
a rejection's reason and message, a duplicate's original.

Where the problem is: the ticket's ``address`` (Open311 ``address_string``, the public
location the desk writes when publishing) or, when that is empty, the place the
gazetteer knows (desa/kecamatan, never free text). ``tickets`` does not know places
(``analytics.places`` does): the edges pass a :data:`PlaceLabels` function in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from answering import files as answer_files
from answering.models import AnswerFile
from portal.publishing import is_public
from tickets import numbering
from tickets.lifecycle import AT_DESK, AT_POKJA, ENDED, SEEN_BY_POKJA, WITH_ANSWER
from tickets.models import REJECT_LABELS, STATUS_LABELS, Category, Status, Ticket, TicketEvent
from tickets.privacy import outward
from tickets.services import RejectionNotice, find_ticket, proves_reporter, report_for

# The known place of each ticket id (``Desa/Kel. X, Kecamatan Y``), for those that have one.
PlaceLabels = Callable[[Session, Sequence[int]], Mapping[int, str]]

PAGE_SIZE = 10
MAX_QUERY = 100
# A page of tickets names each one's category and pokja: load them in one query each.
_RELATED = (selectinload(Ticket.category), selectinload(Ticket.pokja))


@dataclass(frozen=True)
class Step:
    at: datetime
    status: str  # the Indonesian label


@dataclass(frozen=True)
class Tracking:
    """The tracking page of one ticket. ``full`` is False for a ticket without a
    reporter number: then only its number and status are shown."""

    number: str
    status: str
    full: bool
    steps: tuple[Step, ...] = ()
    pokja: str | None = None
    due_at: datetime | None = None
    summary: str | None = None
    answer: str | None = None
    rejection: RejectionNotice | None = None


@dataclass(frozen=True)
class PublicAnswer:
    number: str
    category: str | None
    pokja: str | None
    summary: str
    answer: str
    address: str | None
    published_at: datetime
    answered_at: datetime | None


def status_label(ticket: Ticket) -> str:
    label = STATUS_LABELS[ticket.status]
    if ticket.status is Status.REJECTED and ticket.reject_reason:
        label = f"{label} ({REJECT_LABELS[ticket.reject_reason]})"
    return label


def due_at(ticket: Ticket) -> datetime | None:
    """The SLA due date the public is told: verification at the desk, the follow-up at
    the pokja, none once answered or ended."""
    if ticket.status in AT_DESK:
        return ticket.verify_due_at
    if ticket.status in AT_POKJA:
        return ticket.followup_due_at
    return None


def pokja_name(ticket: Ticket) -> str | None:
    return ticket.pokja.name if ticket.pokja and ticket.status in SEEN_BY_POKJA else None


def public_address(ticket: Ticket, place: str | None = None) -> str | None:
    """The ticket's address, else its known ``place``; nothing for an anonim ticket (the
    place of a small desa with the summary can point at its reporter) or a rahasia one."""
    if ticket.anonim or ticket.rahasia:
        return None
    return ticket.address or place


def place_labels(session: Session, tickets: Sequence[Ticket],
                 places: PlaceLabels | None) -> Mapping[int, str]:
    """The known places of those ``tickets`` that could show one (no address, neither
    anonim nor rahasia): one query for a page."""
    wanted = [t.id for t in tickets if not (t.address or t.anonim or t.rahasia)]
    return places(session, wanted) if places is not None and wanted else {}


def track(session: Session, number: str, hp: str) -> Tracking | None:
    """The tracking view of ticket ``number`` for someone who knows the last four digits
    ``hp`` of its reporter's number; None for a typo, an unknown number or wrong digits
    (the page must not tell those apart)."""
    number, hp = number.strip(), hp.strip()
    if not numbering.is_valid(number):
        return None
    ticket = find_ticket(session, number)
    if ticket is None:
        return None
    if ticket.reporter_phone is None:
        # A desk or anonymous ticket: nobody can prove to be its reporter.
        return Tracking(ticket.number, STATUS_LABELS[ticket.status], full=False)
    if not proves_reporter(ticket, last_digits=hp):
        return None
    report = report_for(session, ticket, full=True)
    steps = tuple(Step(e.at, STATUS_LABELS[Status(e.to_status or '')]) for e in session.scalars(
        select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                  TicketEvent.to_status.is_not(None))
        .order_by(TicketEvent.at, TicketEvent.id)))
    return Tracking(ticket.number, status_label(ticket), full=True, steps=steps,
                    pokja=report.pokja_name, due_at=due_at(ticket),
                    summary=outward(ticket, ticket.public_summary) if is_public(ticket)
                    else None,
                    answer=report.answer, rejection=report.rejection)


def _published() -> Select[Ticket]:
    # Walked newest first along ix_tickets_published (answer_published, published_at),
    # stopping after a page. The status is wrapped so that no planner prefers the status
    # index and then sorts every published answer (SQLite did: 0.5 s at 100k tickets).
    return select(Ticket).where(
        Ticket.answer_published == true(), Ticket.rahasia.is_(False),
        func.coalesce(Ticket.status, "").in_([s.value for s in WITH_ANSWER]),
        Ticket.public_summary.is_not(None), Ticket.answer.is_not(None))


def _answer(ticket: Ticket, place: str | None = None) -> PublicAnswer:
    assert ticket.published_at and ticket.public_summary and ticket.answer
    return PublicAnswer(ticket.number, ticket.category.name if ticket.category else None,
                        pokja_name(ticket), outward(ticket, ticket.public_summary) or "",
                        outward(ticket, ticket.answer) or "",
                        public_address(ticket, place), ticket.published_at,
                        ticket.answered_at)


def like_pattern(text: str) -> str:
    """``%text%`` for LIKE with ``escape="\\"``: a searched % or _ is itself, not a
    wildcard."""
    escaped = text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
    return f"%{escaped}%"


def published_answers(session: Session, *, text: str = "", category_id: int | None = None,
                      page: int = 1, per_page: int = PAGE_SIZE,
                      places: PlaceLabels | None = None,
                      ) -> tuple[list[PublicAnswer], bool]:
    """One page of published answers, newest first, and whether another page follows
    (no total: counting every published answer costs more than the page)."""
    query = _published()
    text = text.strip()[:MAX_QUERY]
    if text:
        like = like_pattern(text.lower())
        query = query.where(or_(func.lower(Ticket.public_summary).like(like, escape="\\"),
                                func.lower(Ticket.answer).like(like, escape="\\")))
    if category_id is not None:
        query = query.where(Ticket.category_id == category_id)
    rows = list(session.scalars(query.options(*_RELATED)
                                .order_by(Ticket.answer_published.desc(),
                                          Ticket.published_at.desc(), Ticket.id.desc())
                                .offset((max(page, 1) - 1) * per_page).limit(per_page + 1)))
    shown = [t for t in rows[:per_page] if is_public(t)]
    known = place_labels(session, shown, places)
    answers = [_answer(t, known.get(t.id)) for t in shown]
    if text:
        # A masked anonim answer found by a hidden word would tell that word is there.
        answers = [a for a in answers
                   if text.lower() in a.summary.lower() or text.lower() in a.answer.lower()]
    return answers, len(rows) > per_page


def published_answer(session: Session, number: str,
                     places: PlaceLabels | None = None) -> PublicAnswer | None:
    ticket = find_ticket(session, number)
    if ticket is None or not is_public(ticket):  # the conditions of _published()
        return None
    return _answer(ticket, place_labels(session, [ticket], places).get(ticket.id))


def published_files(session: Session, number: str) -> list[AnswerFile]:
    """The files of a published answer (a repair photo, a letter); none for a ticket
    that is not public (not published, rahasia, no longer answered)."""
    ticket = find_ticket(session, number)
    if ticket is None or not is_public(ticket):
        return []
    return answer_files.files_of(session, ticket)


def answer_categories(session: Session) -> list[Category]:
    return list(session.scalars(select(Category).where(Category.active.is_(True))
                                .order_by(Category.name)))


# --- Open311 -----------------------------------------------------------------------------

MAX_REQUESTS = 1000
MAX_SPAN = timedelta(days=90)


@dataclass(frozen=True)
class RequestQuery:
    numbers: tuple[str, ...] = ()
    category_id: int | None = None
    start: datetime | None = None  # naive UTC
    end: datetime | None = None
    closed: bool | None = None  # None: both


def requests(session: Session, q: RequestQuery, now: datetime) -> list[Ticket]:
    """Tickets for Open311 ``GET requests``: never a rahasia one. Without numbers or dates,
    the last 90 days (the spec's default), newest first, at most 1000."""
    query = select(Ticket).where(Ticket.rahasia.is_(False))
    if q.numbers:
        query = query.where(Ticket.number.in_(q.numbers))
    else:
        start = q.start or ((q.end or now) - MAX_SPAN)
        query = query.where(Ticket.created_at >= start)
        if q.end is not None:
            query = query.where(Ticket.created_at <= q.end)
    if q.category_id is not None:
        query = query.where(Ticket.category_id == q.category_id)
    if q.closed is not None:
        ended = Ticket.status.in_(tuple(ENDED))
        query = query.where(ended if q.closed else ~ended)
    return list(session.scalars(query.options(*_RELATED)
                                .order_by(Ticket.created_at.desc(), Ticket.id.desc())
                                .limit(MAX_REQUESTS)))


def request_by_number(session: Session, number: str) -> Ticket | None:
    ticket = find_ticket(session, number)
    return None if ticket is None or ticket.rahasia else ticket
