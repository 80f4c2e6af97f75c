"""The flags of tickets (early warning, possible duplicates, repeat caller) and their
location, for the queue's badges and filters, the ticket page and ``tickets show --json``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from analytics.duplicates import REASON_LABELS
from analytics.events import KIND_LABELS
from analytics.models import (
    SEVERITY_LABELS,
    DuplicateCandidate,
    EventAlert,
    Place,
    RepeatCaller,
    TicketAlert,
    TicketPlace,
)
from analytics.text import normalise
from tickets.errors import InvalidInput
from tickets.models import Ticket, TranscriptionStatus
from tickets.queue import SortKey

FLAG_FILTERS = {"peringatan": "Peringatan dini", "duplikat": "Mungkin duplikat",
                "berulang": "Pelapor berulang", "tak-terdengar": "Tidak terdengar ucapan"}


@dataclass
class Flags:
    alerts: list[TicketAlert] = field(default_factory=list)
    duplicates: list[DuplicateCandidate] = field(default_factory=list)
    repeat: RepeatCaller | None = None
    place: TicketPlace | None = None
    # The event model's alarm (or the operator's "missed" flag, alarm False).
    event: EventAlert | None = None

    @property
    def alarm(self) -> EventAlert | None:
        return self.event if self.event is not None and self.event.alarm else None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.event.kind, self.event.kind) if self.event else ""

    @property
    def any(self) -> bool:
        return bool(self.alerts or self.duplicates or self.repeat or self.alarm)


def for_tickets(session: Session, ticket_ids: Sequence[int]) -> dict[int, Flags]:
    """Flags of a page of tickets in five queries, whatever the page's length."""
    out = {i: Flags() for i in ticket_ids}
    if not ticket_ids:
        return out
    ids = list(ticket_ids)
    for a in session.scalars(select(TicketAlert).where(TicketAlert.ticket_id.in_(ids))
                             .options(selectinload(TicketAlert.group))
                             .order_by(TicketAlert.id)):
        out[a.ticket_id].alerts.append(a)
    for d in session.scalars(select(DuplicateCandidate)
                             .where(DuplicateCandidate.ticket_id.in_(ids))
                             .options(selectinload(DuplicateCandidate.candidate))
                             .order_by(DuplicateCandidate.id)):
        out[d.ticket_id].duplicates.append(d)
    for r in session.scalars(select(RepeatCaller).where(RepeatCaller.ticket_id.in_(ids))):
        out[r.ticket_id].repeat = r
    for e in session.scalars(select(EventAlert).where(EventAlert.ticket_id.in_(ids))):
        out[e.ticket_id].event = e
    for p in session.scalars(select(TicketPlace).where(TicketPlace.ticket_id.in_(ids))
                             .options(selectinload(TicketPlace.kecamatan),
                                      selectinload(TicketPlace.desa))):
        out[p.ticket_id].place = p
    return out


def for_ticket(session: Session, ticket: Ticket) -> Flags:
    return for_tickets(session, [ticket.id])[ticket.id]


def location_json(place: TicketPlace | None) -> dict[str, Any] | None:
    if place is None or not (place.kecamatan or place.desa):
        return None
    return {"kecamatan": place.kecamatan.name if place.kecamatan else None,
            "desa": place.desa.name if place.desa else None,
            "source": place.source, "heard": place.heard}


def as_json(session: Session, ticket: Ticket) -> dict[str, Any]:
    """``flags`` and ``location`` for ``hotline tickets show --json``."""
    f = for_ticket(session, ticket)
    return {
        "flags": {
            "early_warning": [{"group": a.group.name,
                               "severity": a.group.severity.value,
                               "severity_label": SEVERITY_LABELS[a.group.severity],
                               "matched": a.matched, "source": a.source} for a in f.alerts],
            "possible_duplicates": [{"number": d.candidate.number, "reason": d.reason,
                                     "reason_label": REASON_LABELS.get(d.reason, d.reason),
                                     "score": d.score} for d in f.duplicates],
            "repeat_caller": f.repeat is not None,
            "event_alarm": None if f.event is None else {
                "alarm": f.event.alarm, "kind": f.event.kind,
                "severity": f.event.severity.value,
                "severity_label": SEVERITY_LABELS[f.event.severity],
                "confidence": f.event.confidence, "cues": f.event.cues,
                "cluster": f.event.cluster, "verdict": f.event.verdict},
        },
        "location": location_json(f.place),
    }


def conditions(flag: str | None, kecamatan_id: int | None) -> tuple[ColumnElement[bool], ...]:
    """The queue's filters on flags and kecamatan, as conditions on ``Ticket``."""
    out: list[ColumnElement[bool]] = []
    if flag:
        if flag not in FLAG_FILTERS:
            raise InvalidInput("flag", "Tanda tidak dikenal.")
        if flag == "tak-terdengar":  # the recording asks a person to listen
            out.append(Ticket.transcription_status == TranscriptionStatus.NO_SPEECH)
        elif flag == "peringatan":
            out.append(warning_condition())
        else:
            table = {"duplikat": DuplicateCandidate.ticket_id,
                     "berulang": RepeatCaller.ticket_id}[flag]
            out.append(Ticket.id.in_(select(table)))
    if kecamatan_id:
        out.append(Ticket.id.in_(select(TicketPlace.ticket_id)
                                 .where(TicketPlace.kecamatan_id == kecamatan_id)))
    return tuple(out)


def highlighted(words: list[dict[str, Any]], alerts: Sequence[TicketAlert],
                event: EventAlert | None = None) -> list[dict[str, Any]]:
    """Mark the transcript's words that an early-warning group matched or that drove the
    model's alarm (``hit``)."""
    heard = {w for a in alerts for phrase in a.matched for w in normalise(str(phrase)).split()}
    if event is not None and event.alarm:
        heard |= {w for cue in event.cues for w in normalise(str(cue)).split()}
    for w in words:
        w["hit"] = bool(heard) and bool(set(normalise(w["word"]).split()) & heard)
    return words


# --- the live queue ----------------------------------------------------------------------

def warning_condition() -> ColumnElement[bool]:
    """Tickets with an early warning, the event model's alarm or a keyword group's
    "selalu" match: the queue puts them first, highlighted, and its filter lists them."""
    return or_(Ticket.id.in_(select(TicketAlert.ticket_id)),
               Ticket.id.in_(select(EventAlert.ticket_id).where(EventAlert.alarm.is_(True))))


def kecamatan_sort(descending: bool = False) -> SortKey:
    """The queue's order by the kecamatan's name of a ticket ("" when none is known:
    those tickets come last in either direction)."""
    name = (select(Place.name).join(TicketPlace, TicketPlace.kecamatan_id == Place.id)
            .where(TicketPlace.ticket_id == Ticket.id).correlate(Ticket).scalar_subquery())
    return SortKey("kecamatan", func.coalesce(name, ""), "str", descending, missing="")


def latest_alert(session: Session) -> str:
    """The newest early warning (a group's match, the model's alarm or a desk verdict on
    it): a ticket that just got one moves to the top."""
    return (f"{session.scalar(select(func.max(TicketAlert.id)))}:"
            f"{session.scalar(select(func.max(EventAlert.id)))}:"
            f"{session.scalar(select(func.max(EventAlert.verdict_at)))}")
