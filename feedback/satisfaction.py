"""Satisfaction and reopen rates per pokja, for the supervisor's report and dashboards.

For a range of local dates (both ends included, in the office's zone):

- **ratings**: the reporters' ratings (1..5) given in the range, their count and mean,
  counted for the pokja that answered;
- **answers**: the follow-up answers the pokja sent in the range (every transition to
  "answered", a second answer after a reopening counts again);
- **reopenings**: the times a reporter said "not fixed" in the range;
- **reopen rate**: reopenings per answer in the range (None without answers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from feedback.models import Reopening, TicketRating
from feedback.replies import is_escalated
from tickets.models import Pokja, Status, Ticket, TicketEvent
from tickets.queue import _local_midnight_utc


@dataclass(frozen=True)
class PokjaSatisfaction:
    pokja_id: int | None
    pokja_name: str
    ratings: int
    mean_rating: float | None
    answers: int
    reopenings: int

    @property
    def reopen_rate(self) -> float | None:
        return self.reopenings / self.answers if self.answers else None


def satisfaction_by_pokja(session: Session, date_from: date, date_to: date,
                          tz: str) -> list[PokjaSatisfaction]:
    """One row per pokja with any answer, rating or reopening in the range, by name."""
    start = _local_midnight_utc(date_from, tz)
    end = _local_midnight_utc(date_to + timedelta(days=1), tz)
    ratings = {pid: (n, mean) for pid, n, mean in session.execute(
        select(TicketRating.pokja_id, func.count(), func.avg(TicketRating.rating))
        .where(TicketRating.rating.is_not(None), TicketRating.rated_at >= start,
               TicketRating.rated_at < end).group_by(TicketRating.pokja_id))}
    answers = dict(session.execute(  # type: ignore[arg-type]
        select(Ticket.pokja_id, func.count()).select_from(TicketEvent)
        .join(Ticket, TicketEvent.ticket_id == Ticket.id)
        .where(TicketEvent.kind == "transition",
               TicketEvent.to_status == Status.ANSWERED.value,
               TicketEvent.at >= start, TicketEvent.at < end).group_by(Ticket.pokja_id)).all())
    reopened = dict(session.execute(  # type: ignore[arg-type]
        select(Reopening.pokja_id, func.count())
        .where(Reopening.at >= start, Reopening.at < end).group_by(Reopening.pokja_id)).all())
    names = dict(session.execute(select(Pokja.id, Pokja.name)).all())  # type: ignore[arg-type]
    rows = []
    for pid in set(ratings) | set(answers) | set(reopened):
        count, mean = ratings.get(pid, (0, None))
        rows.append(PokjaSatisfaction(
            pokja_id=pid, pokja_name=names.get(pid or 0, "(tanpa pokja)"), ratings=count,
            mean_rating=float(mean) if mean is not None else None,
            answers=answers.get(pid, 0), reopenings=reopened.get(pid, 0)))
    return sorted(rows, key=lambda r: r.pokja_name)


def escalated_tickets(session: Session, limit: int = 50) -> list[Ticket]:
    """Reopened tickets past the reopen limit, waiting for a supervisor, oldest first."""
    reopened = session.scalars(select(Ticket).where(Ticket.status == Status.REOPENED)
                               .order_by(Ticket.updated_at))
    return [t for t in reopened if is_escalated(session, t)][:limit]
