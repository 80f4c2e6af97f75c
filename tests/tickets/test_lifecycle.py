from __future__ import annotations

import pytest

from tickets.errors import IllegalTransition
from tickets.lifecycle import SYSTEM, TRANSITIONS, Actor, transition
from tickets.models import Channel, Status
from tickets.services import create_ticket


@pytest.fixture
def ticket(db):
    t = create_ticket(db, channel=Channel.WALK_IN, actor=SYSTEM, tz="Asia/Jakarta",
                      description="Lampu jalan mati")
    db.commit()
    return t


def test_every_status_has_an_entry_in_the_transition_table():
    assert set(TRANSITIONS) == set(Status)


def test_closed_and_rejected_are_final():
    assert TRANSITIONS[Status.CLOSED] == frozenset()
    assert TRANSITIONS[Status.REJECTED] == frozenset()


def test_an_illegal_transition_raises_and_changes_nothing(db, ticket):
    with pytest.raises(IllegalTransition, match="tidak dapat diubah"):
        transition(db, ticket, Status.CLOSED, SYSTEM, tz="Asia/Jakarta")
    assert ticket.status is Status.AWAITING_VERIFICATION
    assert len(ticket.events) == 1


def test_each_transition_writes_who_when_from_to_and_a_note(db, ticket):
    operator = Actor("Operator Call Center", user_id=None)
    transition(db, ticket, Status.FORWARDED, operator, "Diteruskan ke PUPR", tz="Asia/Jakarta")
    db.commit()
    event = ticket.events[-1]
    assert (event.actor_label, event.from_status, event.to_status, event.note) == (
        "Operator Call Center", "awaiting_verification", "forwarded", "Diteruskan ke PUPR")
    assert event.at is not None


def test_forwarding_starts_the_five_working_day_follow_up_clock(db, ticket):
    transition(db, ticket, Status.FORWARDED, SYSTEM, tz="Asia/Jakarta")
    assert ticket.forwarded_at is not None
    assert ticket.followup_due_at is not None
    assert (ticket.followup_due_at - ticket.forwarded_at).days >= 5


def test_the_full_happy_path(db, ticket):
    for target in (Status.FORWARDED, Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED):
        transition(db, ticket, target, SYSTEM, tz="Asia/Jakarta")
    db.commit()
    assert ticket.closed_at is not None
    assert [e.to_status for e in ticket.events] == [
        "awaiting_verification", "forwarded", "in_progress", "answered", "closed"]


def test_an_answered_ticket_may_be_reopened_and_a_reopened_one_answered_again(db, ticket):
    assert Status.REOPENED in TRANSITIONS[Status.ANSWERED]
    assert TRANSITIONS[Status.REOPENED] == {
        Status.IN_PROGRESS, Status.ANSWERED, Status.AWAITING_VERIFICATION}
    for target in (Status.FORWARDED, Status.ANSWERED, Status.REOPENED, Status.IN_PROGRESS,
                   Status.ANSWERED, Status.CLOSED):
        transition(db, ticket, target, SYSTEM, tz="Asia/Jakarta")
    db.commit()
    assert [e.to_status for e in ticket.events][-4:] == [
        "reopened", "in_progress", "answered", "closed"]


@pytest.mark.parametrize("start", [Status.FORWARDED, Status.IN_PROGRESS, Status.CLOSED])
def test_only_an_answered_ticket_can_be_reopened(db, ticket, start):
    path = {Status.FORWARDED: [Status.FORWARDED],
            Status.IN_PROGRESS: [Status.FORWARDED, Status.IN_PROGRESS],
            Status.CLOSED: [Status.FORWARDED, Status.ANSWERED, Status.CLOSED]}[start]
    for target in path:
        transition(db, ticket, target, SYSTEM, tz="Asia/Jakarta")
    with pytest.raises(IllegalTransition, match="Dibuka kembali"):
        transition(db, ticket, Status.REOPENED, SYSTEM, tz="Asia/Jakarta")


def test_reopening_restarts_the_follow_up_clock_from_the_reopening(db, ticket):
    from datetime import datetime

    from tickets import sla

    transition(db, ticket, Status.FORWARDED, SYSTEM, tz="Asia/Jakarta",
               now=datetime(2026, 3, 2, 3, 0))
    first_due = ticket.followup_due_at
    transition(db, ticket, Status.ANSWERED, SYSTEM, tz="Asia/Jakarta",
               now=datetime(2026, 3, 4, 3, 0))
    reopened_at = datetime(2026, 4, 6, 3, 0)  # a Monday, weeks later
    transition(db, ticket, Status.REOPENED, SYSTEM, tz="Asia/Jakarta", now=reopened_at)
    assert ticket.followup_due_at == sla.due_after(reopened_at, sla.FOLLOWUP_DAYS,
                                                   "Asia/Jakarta")
    assert ticket.followup_due_at > first_due
