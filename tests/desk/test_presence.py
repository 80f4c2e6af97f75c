"""Who has a ticket open: stamped by the heartbeat, forgotten after the expiry."""

from __future__ import annotations

from datetime import datetime, timedelta

from desk import presence

T0 = datetime(2026, 12, 7, 2, 0)


def test_another_user_with_the_page_open_is_named_until_the_beat_stops(db, users, ticket_of):
    ticket = ticket_of()
    rina, budi = users("operator"), users("supervisor")
    presence.touch(db, rina, ticket.id, T0)
    presence.touch(db, rina, ticket.id, T0 + timedelta(seconds=5))  # a second tab: one row
    db.commit()
    assert presence.others(db, budi, ticket.id, T0 + timedelta(seconds=10)) == [
        "Operator Call Center"]
    assert presence.others(db, rina, ticket.id, T0) == []  # never oneself
    later = T0 + timedelta(seconds=5) + presence.EXPIRY + timedelta(seconds=1)
    assert presence.others(db, budi, ticket.id, later) == []


def test_an_expired_row_is_removed_by_the_next_beat_and_leaving_removes_ones_own(
        db, users, ticket_of):
    ticket = ticket_of()
    rina, budi = users("operator"), users("supervisor")
    presence.touch(db, rina, ticket.id, T0)
    presence.touch(db, budi, ticket.id, T0 + presence.EXPIRY * 2)
    assert presence.others(db, budi, ticket.id, T0) == []  # Rina's stale row is gone
    presence.leave(db, budi, ticket.id)
    presence.touch(db, rina, ticket.id, T0 + presence.EXPIRY * 2)
    assert presence.others(db, rina, ticket.id, T0 + presence.EXPIRY * 2) == []
