"""The queue's bulk actions: give tickets to one user, forward them to one pokja, or
archive them as duplicates of one ticket.

Each ticket goes through the very function that acts on it one by one (its role,
status and version checks included), in a savepoint of its own: a ticket refused is
reported with the reason and leaves nothing behind, and the others are done.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy.orm import Session

from desk import services
from tickets import workflow
from tickets.db import attempt
from tickets.errors import DomainError, InvalidInput
from tickets.lifecycle import Principal
from tickets.services import ticket_by_number

MAX_TICKETS = 200


class Action(enum.StrEnum):
    ASSIGN = "tugaskan"
    FORWARD = "teruskan"
    DUPLICATE = "duplikat"


ACTION_LABELS = {Action.ASSIGN: "Tugaskan ke", Action.FORWARD: "Teruskan ke pokja",
                 Action.DUPLICATE: "Arsipkan sebagai duplikat dari"}


@dataclass(frozen=True)
class Selected:
    """A ticket ticked in the queue, with the version the queue showed."""

    number: str
    version: int | None


@dataclass(frozen=True)
class Outcome:
    number: str
    done: bool
    message: str


def parse_action(raw: str | None) -> Action:
    try:
        return Action((raw or "").strip())
    except ValueError:
        raise InvalidInput("bulk_action", "Pilih tindakan untuk tiket yang dicentang.") from None


def run(session: Session, user: Principal, selected: list[Selected], action: Action, *,
        tz: str, assignee_id: int | None = None, pokja_id: int | None = None,
        original: str = "") -> list[Outcome]:
    """Apply ``action`` to every ticket of ``selected``; one outcome per ticket."""
    check(action, selected, assignee_id=assignee_id, pokja_id=pokja_id, original=original)
    outcomes = []
    for item in selected:
        try:
            with attempt(session):
                message = _one(session, user, item, action, tz=tz, assignee_id=assignee_id,
                               pokja_id=pokja_id, original=original)
            outcomes.append(Outcome(item.number, True, message))
        except DomainError as exc:
            outcomes.append(Outcome(item.number, False, exc.message))
    return outcomes


def check(action: Action, selected: list[Selected], *, assignee_id: int | None,
          pokja_id: int | None, original: str) -> None:
    """What the request itself must say, before any ticket is looked at."""
    if not selected:
        raise InvalidInput("tickets", "Centang dulu tiket yang akan diproses.")
    if len(selected) > MAX_TICKETS:
        raise InvalidInput("tickets", f"Paling banyak {MAX_TICKETS} tiket sekaligus.")
    if action is Action.ASSIGN and assignee_id is None:
        raise InvalidInput("assignee", "Pilih petugas yang akan menangani tiket ini.")
    if action is Action.FORWARD and pokja_id is None:
        raise InvalidInput("pokja_id", "Pilih pokja tujuan.")
    if action is Action.DUPLICATE and not original.strip():
        raise InvalidInput("original", "Isi nomor tiket asli.")


def _one(session: Session, user: Principal, item: Selected, action: Action, *, tz: str,
         assignee_id: int | None, pokja_id: int | None, original: str) -> str:
    if action is Action.ASSIGN:
        ticket = services.assign(session, user, item.number, assignee_id)
        who = services.holder(session, ticket)
        return f"Ditangani {who.full_name}." if who else "Penanganan diubah."
    if action is Action.FORWARD:
        ticket = ticket_by_number(session, item.number)
        # As the ticket stands: only the pokja changes, and the forward's own rules hold.
        v = workflow.Verification(description=ticket.description or "",
                                  category_id=ticket.category_id, pokja_id=pokja_id,
                                  priority=ticket.priority, anonim=ticket.anonim,
                                  rahasia=ticket.rahasia)
        ticket = workflow.verify_and_forward(session, user, item.number, v,
                                             version=item.version, tz=tz)
        return f"Diteruskan ke {ticket.pokja.name if ticket.pokja else 'pokja'}."
    workflow.mark_duplicate(session, user, item.number, original, version=item.version, tz=tz)
    return f"Diarsipkan sebagai duplikat tiket {original.strip()}."
