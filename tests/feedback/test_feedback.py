"""The reporter's "is it fixed?": close and rate, reopen (to the pokja, then past the limit to
the supervisors), and the message conversation (feedback.replies.handle_reply)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from feedback import replies
from feedback.models import FeedbackChannel, Reopening, TicketRating
from feedback.replies import FeedbackPolicy
from notify.models import OutboxMessage
from tests.notify.conftest import CALLER, POKJA_WA, make_ticket
from tickets import sla
from tickets.errors import IllegalTransition, InvalidInput, PermissionDenied
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Role, Status, Ticket, TicketEvent

S = Status
TZ = "Asia/Jakarta"
POLICY = FeedbackPolicy(reopen_limit=2, timezone=TZ)
SMS = FeedbackChannel.SMS


@pytest.fixture
def catalog(app):
    return app.extensions["hotline"].catalog


@pytest.fixture
def answered(db) -> Ticket:
    ticket = make_ticket(db)
    transition(db, ticket, S.FORWARDED, SYSTEM, tz=TZ)
    ticket.answer = "Jalan sudah ditambal."
    transition(db, ticket, S.ANSWERED, SYSTEM, tz=TZ)
    db.commit()
    return ticket


def _answer_again(db, ticket: Ticket) -> None:
    transition(db, ticket, S.ANSWERED, SYSTEM, tz=TZ)
    db.commit()


def _outbox(db, event: str) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.event == event)))


def test_only_the_reporters_number_is_asked(db, answered):
    assert replies.asks_if_fixed(answered, CALLER)
    assert replies.asks_if_fixed(answered, "0812-3456-7890")  # the same number, typed locally
    assert not replies.asks_if_fixed(answered, "+6289999999999")
    assert not replies.asks_if_fixed(answered, None)


def test_fixed_closes_the_ticket_and_the_rating_is_stored_once(db, answered):
    replies.confirm_fixed(db, answered, channel=FeedbackChannel.PHONE, tz=TZ)
    db.commit()
    assert answered.status is S.CLOSED and answered.closed_at is not None
    row = replies.rate(db, answered, "4")
    db.commit()
    assert (row.rating, row.pokja_id) == (4, answered.pokja_id)
    assert replies.rate(db, answered, "1").rating == 4  # the first rating stays
    assert replies.confirm_fixed(db, answered, channel=FeedbackChannel.PHONE, tz=TZ).id == row.id
    notes = [e.note for e in answered.events]
    assert "Pelapor menyatakan masalah sudah selesai." in notes
    assert "Pelapor memberi nilai 4 dari 5." in notes


@pytest.mark.parametrize("value", ["0", "6", "9", "", "*", "#", "4.5", "empat", "44", None])
def test_a_rating_is_one_digit_from_1_to_5(db, answered, value):
    replies.confirm_fixed(db, answered, channel=FeedbackChannel.PHONE, tz=TZ)
    with pytest.raises(InvalidInput, match="1 sampai 5"):
        replies.rate(db, answered, value)
    assert replies.rating_of(db, answered).rating is None


def test_the_database_refuses_a_rating_outside_1_to_5(db, answered):
    from sqlalchemy.exc import IntegrityError

    row = replies.confirm_fixed(db, answered, channel=FeedbackChannel.PHONE, tz=TZ)
    db.commit()
    row.rating = 7
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def test_no_rating_before_the_reporter_said_it_is_fixed(db, answered):
    with pytest.raises(IllegalTransition):
        replies.rate(db, answered, "5")


def test_reopen_goes_back_to_the_same_pokja_with_an_event_and_a_new_deadline(db, answered):
    pokja_id = answered.pokja_id
    now = datetime(2026, 6, 1, 2, 0)  # injected clock: Monday morning in Jakarta
    reopening = replies.reopen(db, answered, channel=FeedbackChannel.PHONE, policy=POLICY,
                                call_sid="CA" + "1" * 32, now=now)
    db.commit()
    assert answered.status is S.REOPENED and answered.pokja_id == pokja_id
    assert answered.followup_due_at == sla.due_after(now, sla.FOLLOWUP_DAYS, TZ)
    assert (reopening.seq, reopening.escalated, reopening.pokja_id) == (1, False, pokja_id)
    event = db.get(TicketEvent, reopening.event_id)
    assert (event.from_status, event.to_status, event.actor_label) == (
        "answered", "reopened", "pelapor")
    assert event.shared_with_pokja_id == pokja_id  # the pokja reads why
    # The same call's "2" again (a retried webhook) reopens nothing more.
    again = replies.reopen(db, answered, channel=FeedbackChannel.PHONE, policy=POLICY,
                            call_sid="CA" + "1" * 32)
    assert again.id == reopening.id and len(replies.reopenings(db, answered)) == 1


def test_the_pokja_is_alerted_once_per_reopening(db, answered):
    replies.reopen(db, answered, channel=SMS, policy=POLICY)
    db.commit()
    alerts = _outbox(db, "reopened")
    assert {m.channel for m in alerts} == {"email", "whatsapp"}
    assert {m.recipient for m in alerts if m.channel == "whatsapp"} == {POKJA_WA}
    assert all(answered.number in m.body for m in alerts)
    # The same change announced again writes nothing more (insert-ignore keys).
    from tickets import events

    events.publish(db, events.StatusChanged(answered, S.ANSWERED, S.REOPENED, 1))
    db.commit()
    assert len(_outbox(db, "reopened")) == len(alerts)
    _answer_again(db, answered)
    replies.reopen(db, answered, channel=SMS, policy=POLICY)
    db.commit()
    assert len(_outbox(db, "reopened#2")) == len(alerts)


def test_past_the_reopen_limit_it_goes_to_the_supervisors(db, answered):
    from accounts.models import User

    supervisor = db.scalars(select(User).where(User.role == Role.SUPERVISOR)).first()
    supervisor.email = "supervisor@pemkab.example.id"
    db.commit()
    for seq in (1, 2):
        r = replies.reopen(db, answered, channel=SMS, policy=POLICY)
        assert not r.escalated and not replies.is_escalated(db, answered)
        _answer_again(db, answered)
        assert len(_outbox(db, "reopened" if seq == 1 else f"reopened#{seq}")) == 2
    third = replies.reopen(db, answered, channel=SMS, policy=POLICY)
    db.commit()
    assert third.escalated and third.seq == 3 and replies.is_escalated(db, answered)
    (mail,) = _outbox(db, "reopened#3")  # the supervisor, not the pokja
    assert mail.recipient == "supervisor@pemkab.example.id"
    assert "supervisor" in mail.body
    assert "diteruskan ke supervisor" in answered.events[-1].note


def test_a_limit_of_zero_sends_the_first_reopening_to_the_supervisors(db, answered):
    r = replies.reopen(db, answered, channel=SMS,
                        policy=FeedbackPolicy(reopen_limit=0, timezone=TZ))
    assert r.escalated


def test_the_pokja_may_not_act_on_an_escalated_ticket_until_a_supervisor_hands_it_back(
        db, answered):
    from accounts.models import User
    from tickets import followup

    pokja_user = db.scalars(select(User).where(User.username == "pokja")).one()
    supervisor = db.scalars(select(User).where(User.username == "supervisor")).one()
    replies.reopen(db, answered, channel=SMS,
                    policy=FeedbackPolicy(reopen_limit=0, timezone=TZ))
    db.commit()
    with pytest.raises(PermissionDenied, match="ditangani supervisor"):
        followup.answer(db, pokja_user, answered.number, "Sudah.", version=answered.version,
                        tz=TZ)
    db.rollback()
    followup.start_progress(db, supervisor, answered.number, version=answered.version, tz=TZ)
    db.commit()
    assert not replies.is_escalated(db, answered)
    followup.answer(db, pokja_user, answered.number, "Sudah diperbaiki ulang.",
                    version=answered.version, tz=TZ)
    db.commit()
    assert answered.status is S.ANSWERED


def test_only_an_answered_ticket_is_reopened_or_closed_by_the_reporter(db):
    ticket = make_ticket(db)
    with pytest.raises(IllegalTransition):
        replies.reopen(db, ticket, channel=SMS, policy=POLICY)
    with pytest.raises(IllegalTransition):
        replies.confirm_fixed(db, ticket, channel=SMS, tz=TZ)


def test_an_answered_again_ticket_still_closes_itself_after_ten_working_days(db, answered):
    from feedback.autoclose import auto_close_answered

    replies.reopen(db, answered, channel=FeedbackChannel.PHONE, policy=POLICY)
    db.commit()
    answered_again = datetime(2026, 6, 1, 2, 0)
    transition(db, answered, S.ANSWERED, SYSTEM, tz=TZ, now=answered_again)
    db.commit()
    assert auto_close_answered(db, tz=TZ, now=answered_again + timedelta(days=7)) == 0
    assert auto_close_answered(db, tz=TZ, now=answered_again + timedelta(days=15)) == 1
    assert answered.status is S.CLOSED
    assert replies.rating_of(db, answered) is None


# --- the message conversation ----------------------------------------------------------

def _reply(db, ticket, text, catalog, **kw):
    out = replies.handle_reply(db, ticket, text, channel=SMS, policy=POLICY, texts=catalog,
                                **kw)
    db.commit()
    return out


def test_a_reply_of_1_closes_then_asks_for_a_rating_until_it_is_1_to_5(db, answered, catalog):
    assert replies.ticket_awaiting_reply(db, CALLER) == answered
    assert "1 sampai 5" in _reply(db, answered, " 1 ", catalog)
    assert answered.status is S.CLOSED
    assert replies.ticket_awaiting_reply(db, "0812 3456 7890") == answered
    assert "harus satu angka" in _reply(db, answered, "sangat puas", catalog)
    assert "harus satu angka" in _reply(db, answered, "7", catalog)
    assert "Terima kasih atas penilaian" in _reply(db, answered, "5", catalog)
    row = db.scalars(select(TicketRating)).one()
    assert (row.rating, row.channel) == (5, SMS)
    assert replies.ticket_awaiting_reply(db, CALLER) is None
    assert _reply(db, answered, "3", catalog) is None  # no longer a feedback reply


def test_a_reply_of_2_reopens_and_the_next_message_is_the_explanation(db, answered, catalog):
    assert "belum selesai" in _reply(db, answered, "2", catalog)
    assert answered.status is S.REOPENED
    assert "telah kami teruskan" in _reply(db, answered, "Lubangnya masih ada di depan SD.",
                                           catalog)
    reopening = db.scalars(select(Reopening)).one()
    assert reopening.note == "Lubangnya masih ada di depan SD."
    assert _reply(db, answered, "Halo?", catalog) is None  # the explanation came already


def test_belum_with_text_is_reopened_with_that_text_as_the_explanation(db, answered, catalog):
    assert "telah kami teruskan" in _reply(db, answered, "Belum, airnya masih menggenang",
                                           catalog)
    assert db.scalars(select(Reopening)).one().note == "airnya masih menggenang"


def test_anything_else_asks_the_question_again(db, answered, catalog):
    assert "balas 1 jika" in _reply(db, answered, "terima kasih pak", catalog)
    assert answered.status is S.ANSWERED


def test_an_explanation_too_long_is_refused_and_asked_again(db, answered, catalog):
    _reply(db, answered, "2", catalog)
    assert "terlalu panjang" in _reply(db, answered, "x" * 2001, catalog)
    assert db.scalars(select(Reopening)).one().note is None


def test_the_rating_and_the_explanation_wait_one_day_only(db, answered, catalog):
    now = datetime(2026, 6, 1, 2, 0)
    _reply(db, answered, "1", catalog, now=now)
    assert _reply(db, answered, "4", catalog, now=now + timedelta(hours=25)) is None
    assert replies.ticket_awaiting_reply(db, CALLER, now=now + timedelta(hours=25)) is None


def test_a_stranger_has_no_ticket_awaiting_a_reply(db, answered):
    assert replies.ticket_awaiting_reply(db, "+6289999999999") is None
    assert replies.ticket_awaiting_reply(db, "not a number") is None
