"""Ratings and reopen rates per pokja (feedback.satisfaction), on the report page too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from feedback import replies
from feedback.models import FeedbackChannel
from feedback.replies import FeedbackPolicy
from feedback.satisfaction import satisfaction_by_pokja
from tests.notify.conftest import make_ticket
from tickets.clock import to_local, utcnow
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Category, Pokja, Status

TZ = "Asia/Jakarta"
S = Status
SMS = FeedbackChannel.SMS
POLICY = FeedbackPolicy(2, TZ)


def _answered(db, category_name="Jalan dan jembatan"):
    ticket = make_ticket(db)
    ticket.category = db.scalars(select(Category).where(Category.name == category_name)).one()
    ticket.pokja_id = ticket.category.pokja_id
    transition(db, ticket, S.FORWARDED, SYSTEM, tz=TZ)
    ticket.answer = "Sudah."
    transition(db, ticket, S.ANSWERED, SYSTEM, tz=TZ)
    db.commit()
    return ticket


@pytest.fixture
def figures(db):
    """PUPR: three answers (one a second answer after a reopening), ratings 5 and 2, one
    reopening; Dinkes: one answer, one rating of 4 given long ago (out of range)."""
    a, b, c = _answered(db), _answered(db), _answered(db)
    for ticket, value in ((a, 5), (b, 2)):
        replies.confirm_fixed(db, ticket, channel=SMS, tz=TZ)
        replies.rate(db, ticket, value)
    replies.reopen(db, c, channel=SMS, policy=POLICY)
    transition(db, c, S.ANSWERED, SYSTEM, tz=TZ)
    d = _answered(db, "Layanan kesehatan")
    replies.confirm_fixed(db, d, channel=SMS, tz=TZ)
    replies.rate(db, d, 4, now=utcnow() - timedelta(days=60))
    db.commit()
    return a.pokja_id, d.pokja_id


def test_ratings_and_reopen_rates_per_pokja_for_a_date_range(db, figures):
    pupr, dinkes = figures
    today = to_local(utcnow(), TZ).date()
    rows = {r.pokja_id: r for r in satisfaction_by_pokja(db, today, today, TZ)}
    p = rows[pupr]
    assert (p.ratings, p.mean_rating, p.answers, p.reopenings) == (2, 3.5, 4, 1)
    assert p.reopen_rate == pytest.approx(0.25)
    d = rows[dinkes]
    assert (d.ratings, d.mean_rating, d.answers, d.reopenings, d.reopen_rate) == (
        0, None, 1, 0, 0.0)
    assert d.pokja_name == db.get(Pokja, dinkes).name
    older = {r.pokja_id: r for r in satisfaction_by_pokja(
        db, today - timedelta(days=90), today - timedelta(days=30), TZ)}
    assert older[dinkes].ratings == 1 and older[dinkes].mean_rating == 4.0
    assert pupr not in older


def test_the_report_page_shows_the_figures(db, figures, app):
    from tests.agents.conftest import sign_in

    client = app.test_client()
    sign_in(client, "supervisor")
    page = client.get("/console/laporan").get_data(as_text=True)
    assert 'id="kepuasan"' in page
    pupr = db.get(Pokja, figures[0]).name
    row = page[page.index(pupr, page.index('id="kepuasan"')):]
    row = row[:row.index("</tr>")]
    assert [c.split(">")[-1] for c in row.split("</td>")[1:6]] == ["2", "3.5", "4", "1",
                                                                    "25 %"]
    bad = client.get("/console/laporan?date_from=kemarin")
    assert bad.status_code == 422 and "TTTT-BB-HH" in bad.get_data(as_text=True)
