"""The ticket lifecycle: the one table of allowed transitions, and the audit trail.

recorded -> awaiting_verification -> forwarded -> in_progress -> answered -> closed,
with postponed (needs more information) and rejected (with a reason) on the side.
Every change of status goes through :func:`transition`, which writes a
:class:`TicketEvent` in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from tickets import notifications, sla
from tickets.db import utcnow
from tickets.errors import IllegalTransition
from tickets.models import Status, Ticket, TicketEvent, User

S = Status

TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.RECORDED: frozenset({S.AWAITING_VERIFICATION, S.FORWARDED, S.POSTPONED, S.REJECTED}),
    S.AWAITING_VERIFICATION: frozenset({S.FORWARDED, S.POSTPONED, S.REJECTED}),
    S.POSTPONED: frozenset({S.AWAITING_VERIFICATION, S.FORWARDED, S.REJECTED}),
    # A pokja may hand a ticket back to the call centre (wrong pokja).
    S.FORWARDED: frozenset({S.IN_PROGRESS, S.ANSWERED, S.AWAITING_VERIFICATION}),
    S.IN_PROGRESS: frozenset({S.ANSWERED, S.AWAITING_VERIFICATION}),
    # The reporter replies to an answer: the pokja works on it again.
    S.ANSWERED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset(),
    S.REJECTED: frozenset(),
}

# Indonesian names of the statuses, used by the console and the status line.
STATUS_LABELS: dict[Status, str] = {
    S.RECORDED: "Terekam",
    S.AWAITING_VERIFICATION: "Menunggu verifikasi",
    S.POSTPONED: "Ditunda (perlu informasi)",
    S.FORWARDED: "Diteruskan ke pokja",
    S.IN_PROGRESS: "Sedang ditindaklanjuti",
    S.ANSWERED: "Sudah dijawab",
    S.CLOSED: "Selesai",
    S.REJECTED: "Ditolak",
}


@dataclass(frozen=True)
class Actor:
    """Who did something: a signed-in user, or the system, or the caller."""

    label: str
    user_id: int | None = None

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(label=user.full_name, user_id=user.id)


SYSTEM = Actor("sistem")
CALLER = Actor("penelepon")


def can_transition(current: Status, target: Status) -> bool:
    return target in TRANSITIONS[current]


def record_event(
    session: Session,
    ticket: Ticket,
    actor: Actor,
    kind: str,
    note: str | None = None,
    *,
    from_status: Status | None = None,
    to_status: Status | None = None,
    internal: bool = False,
) -> TicketEvent:
    event = TicketEvent(
        ticket=ticket,
        actor_id=actor.user_id,
        actor_label=actor.label,
        kind=kind,
        note=note,
        from_status=from_status.value if from_status else None,
        to_status=to_status.value if to_status else None,
        internal=internal,
        at=utcnow(),
    )
    session.add(event)
    return event


def transition(
    session: Session,
    ticket: Ticket,
    target: Status,
    actor: Actor,
    note: str | None = None,
    *,
    tz: str = "Asia/Jakarta",
    now: datetime | None = None,
) -> TicketEvent:
    """Move ``ticket`` to ``target``, stamp the SLA clocks and write the audit event."""
    current = Status(ticket.status)
    if not can_transition(current, target):
        raise IllegalTransition(
            f"Tiket {ticket.number} tidak dapat diubah dari "
            f"'{STATUS_LABELS[current]}' menjadi '{STATUS_LABELS[target]}'."
        )
    now = now or utcnow()
    ticket.status = target
    ticket.updated_at = now
    if target is S.FORWARDED:
        ticket.forwarded_at = now
        ticket.followup_due_at = sla.due_after(now, sla.FOLLOWUP_DAYS, tz)
    elif target is S.AWAITING_VERIFICATION and current in (S.FORWARDED, S.IN_PROGRESS):
        ticket.followup_due_at = None
    elif target is S.ANSWERED:
        ticket.answered_at = now
    elif target in (S.CLOSED, S.REJECTED):
        ticket.closed_at = now
    event = record_event(
        session, ticket, actor, "transition", note, from_status=current, to_status=target
    )
    # Outbox rows for the caller and the pokja, committed with the change itself.
    notifications.status_changed(session, ticket, target)
    return event
