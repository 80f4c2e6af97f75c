"""Tickets a pokja handed back to the call centre ("kembalikan"), told apart in the
queue with the pokja's name and reason.

A hand-back is the transition from a pokja's status back to awaiting verification
(:func:`tickets.followup.return_to_callcentre`); its audit event carries the pokja
(``shared_with_pokja_id``) and the reason. Nothing new is stored: the marker and the
filter read the audit trail, through the index on ``ticket_events.ticket_id``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from tickets.lifecycle import AT_DESK, AT_POKJA
from tickets.models import Pokja, Status, Ticket, TicketEvent

# The note return_to_callcentre writes before the pokja's own words.
PREFIX = "Dikembalikan ke call center: "


@dataclass(frozen=True)
class HandBack:
    pokja: str
    reason: str
    at: datetime

    @property
    def label(self) -> str:
        return f"Dikembalikan oleh {self.pokja}: {self.reason}"


def _is_return():  # type: ignore[no-untyped-def]
    return and_(TicketEvent.kind == "transition",
                TicketEvent.to_status == Status.AWAITING_VERIFICATION.value,
                TicketEvent.from_status.in_([s.value for s in AT_POKJA]))


def condition():  # type: ignore[no-untyped-def]
    """A queue condition on Ticket: back at the call centre after a pokja returned it."""
    return and_(Ticket.status.in_(AT_DESK), exists(
        select(TicketEvent.id).where(TicketEvent.ticket_id == Ticket.id, _is_return())))


def marks(session: Session, tickets: Iterable[Ticket]) -> dict[int, HandBack]:
    """The latest hand-back of each of ``tickets`` that is still at the call centre."""
    ids = [t.id for t in tickets if t.status in AT_DESK]
    if not ids:
        return {}
    rows = session.execute(
        select(TicketEvent.ticket_id, TicketEvent.note, TicketEvent.at, Pokja.name,
               TicketEvent.actor_label)
        .outerjoin(Pokja, Pokja.id == TicketEvent.shared_with_pokja_id)
        .where(TicketEvent.ticket_id.in_(ids), _is_return()).order_by(TicketEvent.id))
    found: dict[int, HandBack] = {}
    for ticket_id, note, at, pokja, actor in rows:
        reason = (note or "").removeprefix(PREFIX).strip() or "-"
        found[ticket_id] = HandBack(pokja or actor, reason, at)
    return found
