"""The ticket lifecycle: the one table of allowed transitions, the status sets, the audit.

recorded -> awaiting_verification -> forwarded -> in_progress -> answered -> closed,
with postponed (needs more information) and rejected (with a reason) on the side, and
answered -> reopened (the reporter says it is not fixed) -> answered again.
Every change of status goes through :func:`transition`, which writes a
:class:`TicketEvent` in the caller's transaction and publishes
:class:`tickets.events.StatusChanged` to the listeners (the notifications).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tickets import events, sla
from tickets.clock import utcnow
from tickets.errors import IllegalTransition
from tickets.models import STATUS_LABELS, Role, Status, Ticket, TicketEvent

S = Status

TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.RECORDED: frozenset({S.AWAITING_VERIFICATION, S.FORWARDED, S.POSTPONED, S.REJECTED}),
    S.AWAITING_VERIFICATION: frozenset({S.FORWARDED, S.POSTPONED, S.REJECTED}),
    S.POSTPONED: frozenset({S.AWAITING_VERIFICATION, S.FORWARDED, S.REJECTED}),
    # A pokja may hand a ticket back to the call centre (wrong pokja).
    S.FORWARDED: frozenset({S.IN_PROGRESS, S.ANSWERED, S.AWAITING_VERIFICATION}),
    S.IN_PROGRESS: frozenset({S.ANSWERED, S.AWAITING_VERIFICATION}),
    # The reporter replies to an answer: the pokja works on it again; or the reporter
    # says it is not fixed (feedback.replies): reopened, the follow-up clock restarts.
    S.ANSWERED: frozenset({S.CLOSED, S.IN_PROGRESS, S.REOPENED}),
    # A reopened ticket is worked and answered again like a forwarded one.
    S.REOPENED: frozenset({S.IN_PROGRESS, S.ANSWERED, S.AWAITING_VERIFICATION}),
    S.CLOSED: frozenset(),
    S.REJECTED: frozenset(),
}

# The status sets, each defined once.
AT_DESK = frozenset({S.RECORDED, S.AWAITING_VERIFICATION, S.POSTPONED})  # the call centre's
# Open with a pokja (SLA running); a reopened ticket is back there.
AT_POKJA = frozenset({S.FORWARDED, S.IN_PROGRESS, S.REOPENED})
# The operators' default queue: to verify, and those still waiting for their transcript
# (a stuck transcription is seen, not hidden).
TO_VERIFY = (S.RECORDED, S.AWAITING_VERIFICATION)
# A pokja sees a ticket once it has been forwarded to it, and keeps seeing it afterwards.
SEEN_BY_POKJA = AT_POKJA | {S.ANSWERED, S.CLOSED}
WITH_ANSWER = frozenset({S.ANSWERED, S.CLOSED})  # the answer may be told to the caller
ENDED = frozenset({S.CLOSED, S.REJECTED})
# What the call centre may still edit (text, classification, privacy flags).
EDITABLE_AT_DESK = AT_DESK


class Principal(Protocol):
    """A signed-in user as the domain sees one (``accounts.models.User`` is one)."""

    @property
    def id(self) -> int: ...
    @property
    def full_name(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def pokja_id(self) -> int | None: ...
    @property
    def active(self) -> bool: ...


@dataclass(frozen=True)
class Actor:
    """Who did something: a signed-in user, or the system, or the caller."""

    label: str
    user_id: int | None = None
    # A pokja user's pokja: what they write is shared with their pokja (and the call centre).
    pokja_id: int | None = None

    @classmethod
    def of(cls, user: Principal) -> Actor:
        pokja_id = user.pokja_id if user.role in (Role.POKJA, Role.HEAD) else None
        return cls(label=user.full_name, user_id=user.id, pokja_id=pokja_id)


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
    shared_with: int | None = None,
) -> TicketEvent:
    """One history entry. Its note is shared with the pokja ``shared_with`` or, by
    default, with the author's own pokja; a pokja reads no other note
    (:func:`tickets.permissions.history_for`)."""
    event = TicketEvent(
        ticket=ticket,
        actor_id=actor.user_id,
        actor_label=actor.label,
        kind=kind,
        note=note,
        from_status=from_status.value if from_status else None,
        to_status=to_status.value if to_status else None,
        internal=internal,
        shared_with_pokja_id=shared_with or actor.pokja_id,
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
    tz: str,
    now: datetime | None = None,
    shared_with: int | None = None,
) -> TicketEvent:
    """Move ``ticket`` to ``target``, stamp the SLA clocks, write the audit event and
    publish :class:`~tickets.events.StatusChanged`. ``tz`` is the office's zone;
    ``shared_with`` is the pokja the note is written for (the forwarding note)."""
    current = Status(ticket.status)
    if not can_transition(current, target):
        raise IllegalTransition(
            f"Tiket {ticket.number} tidak dapat diubah dari "
            f"'{STATUS_LABELS[current]}' menjadi '{STATUS_LABELS[target]}'."
        )
    now = now or utcnow()
    ticket.status = target
    ticket.updated_at = now
    received = ticket.created_at or now
    if current in AT_DESK and target in (S.FORWARDED, S.REJECTED) and ticket.verified_at is None:
        ticket.verified_at = now  # the call centre's first decision (dashboard: time to verify)
        ticket.verify_work_seconds = sla.work_seconds(received, now, tz)
    if target is S.FORWARDED:
        ticket.forwarded_at = now
        ticket.forward_work_seconds = sla.work_seconds(received, now, tz)
        ticket.followup_due_at = sla.due_after(now, sla.FOLLOWUP_DAYS, tz)
    elif target is S.REOPENED:
        # Not fixed: the pokja's follow-up clock starts again from the reopening.
        ticket.followup_due_at = sla.due_after(now, sla.FOLLOWUP_DAYS, tz)
    elif target is S.AWAITING_VERIFICATION and current in AT_POKJA:
        ticket.followup_due_at = None
    elif target is S.ANSWERED:
        ticket.answered_at = now
        if ticket.forwarded_at is not None:
            ticket.answer_work_seconds = sla.work_seconds(ticket.forwarded_at, now, tz)
    elif target in ENDED:
        ticket.closed_at = now
    event = record_event(
        session, ticket, actor, "transition", note, from_status=current, to_status=target,
        shared_with=shared_with,
    )
    session.flush()
    # A ticket can reach a status more than once (answered again); each time is news.
    seq = session.scalar(select(func.count()).select_from(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "transition",
        TicketEvent.to_status == target.value)) or 1
    events.publish(session, events.StatusChanged(ticket, current, target, seq))
    return event
