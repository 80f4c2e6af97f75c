"""Transcript stored -> early-warning alert in the outbox, in the same commit, once per
ticket and group; the place named in it fills the location; on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from analytics import flags
from analytics.models import TicketAlert
from media import transcripts
from notify.models import OutboxMessage
from tests.analytics.conftest import ticket_of
from tickets.models import Recording


def alerts(db, number: str) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    ticket = ticket_of(db, number)
    return list(db.scalars(select(OutboxMessage).where(
        OutboxMessage.ticket_id == ticket.id, OutboxMessage.event == "early_warning")
        .order_by(OutboxMessage.id)))


def test_a_fire_misheard_by_a_letter_alerts_the_disaster_group_when_the_transcript_is_stored(
        phoned, db):
    number = phoned("Tolong pak, ada kebakarn rumah di desa Lapeo, apinya sudah besar")
    rows = alerts(db, number)
    assert {(r.channel, r.recipient) for r in rows} == {
        ("email", "bpbd@pemkab.example.id"), ("whatsapp", "+6281200000112"),
        ("sms", "+6281200000112")}
    assert "Deteksi dini bencana" in rows[0].body and '"kebakarn"' in rows[0].body
    assert "Desa/Kel. Lapeo, Kecamatan Campalagian" in rows[0].body
    assert rows[0].subject and rows[0].subject.startswith("[Deteksi dini · bencana · kritis]")
    ticket = ticket_of(db, number)
    assert ticket.location == "Desa/Kel. Lapeo, Kecamatan Campalagian"
    data = flags.as_json(db, ticket)
    assert data["flags"]["early_warning"][0]["group"] == "bencana"
    assert data["flags"]["early_warning"][0]["matched"] == ["kebakarn"]
    assert data["location"] == {"kecamatan": "Campalagian", "desa": "Lapeo",
                                "source": "otomatis", "heard": "Lapeo"}


def test_a_flood_and_a_clash_between_villages_alert_their_groups(phoned, db):
    flood = phoned("Air banjir masuk ke rumah warga di Wonomulyo setinggi lutut")
    clash = phoned("Terjadi bentrokan antara pemuda desa Bonde dan desa Lapeo tadi malam",
                   phone="+6281299990000")
    assert {r.event for r in alerts(db, flood)} == {"early_warning"}
    assert "bencana" in alerts(db, flood)[0].body
    assert "Deteksi dini konflik" in alerts(db, clash)[0].body
    assert {r.recipient for r in alerts(db, clash)} == {
        "kesbangpol@pemkab.example.id", "+6281200000113"}


def test_a_transcript_stored_twice_alerts_once(phoned, db, runtime):
    number = phoned("kebakaran di pasar sentral")
    ticket = ticket_of(db, number)
    recording_id = db.scalar(select(Recording.id).where(Recording.ticket_id == ticket.id))
    with runtime.transaction() as session:
        transcripts.store_transcript(session, recording_id, {"text": "kebakaran lagi"},
                                     tz="Asia/Jakarta")
    assert len(alerts(db, number)) == 3
    assert len(list(db.scalars(select(TicketAlert)))) == 1


def test_the_verified_description_is_matched_too_and_a_group_alerts_once(
        phoned, db, runtime):
    from tests.agents.conftest import user_named
    from tickets import workflow

    number = phoned("jalan di depan rumah saya rusak")
    assert alerts(db, number) == []
    operator = user_named(db, "operator")
    ticket = ticket_of(db, number)
    with runtime.transaction() as session:
        workflow.save_verification(
            session, session.merge(operator), number,
            workflow.Verification(description="Jalan amblas dan jembatan putus di Polewali",
                                  category_id=None, pokja_id=None),
            version=ticket.version, tz="Asia/Jakarta")
    rows = alerts(db, number)
    assert {r.recipient for r in rows} == {"pupr@pemkab.example.id"}
    assert "uraian terverifikasi" in rows[0].body


def test_ordinary_complaints_alert_nobody(phoned, db):
    number = phoned("Lampu jalan di kelurahan Polewali mati sudah seminggu")
    assert alerts(db, number) == []
    assert ticket_of(db, number).location == "Desa/Kel. Polewali, Kecamatan Polewali"


def test_a_rahasia_ticket_alert_does_not_quote_its_words(phoned, db, runtime):
    from tickets.lifecycle import SYSTEM
    from tickets.models import Channel
    from tickets.services import create_ticket

    with runtime.transaction() as session:
        ticket = create_ticket(session, channel=Channel.WALK_IN, actor=SYSTEM,
                               tz="Asia/Jakarta", rahasia=True,
                               description="Ada ancaman dari oknum kepada keluarga saya")
        session.flush()
        number = ticket.number
    rows = alerts(db, number)
    assert rows and all("ancaman" not in r.body for r in rows)
    assert "tiket rahasia" in rows[0].body


def test_the_reporters_explanation_when_reopening_is_matched_too(phoned, db, runtime):
    from feedback import replies
    from feedback.models import FeedbackChannel
    from feedback.replies import FeedbackPolicy
    from tickets.lifecycle import SYSTEM, transition
    from tickets.models import Status

    number = phoned("jalan di depan rumah saya rusak")
    with runtime.transaction() as session:
        ticket = ticket_of(session, number)
        for status in (Status.FORWARDED, Status.ANSWERED):
            transition(session, ticket, status, SYSTEM, tz="Asia/Jakarta")
        replies.reopen(session, ticket, channel=FeedbackChannel.SMS,
                        policy=FeedbackPolicy(2, "Asia/Jakarta"),
                        note="Belum beres, sekarang malah jalan amblas")
    rows = alerts(db, number)
    assert rows and "penjelasan pelapor" in rows[0].body and '"jalan amblas"' in rows[0].body
