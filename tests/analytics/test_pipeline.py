"""Transcript stored -> the event model's alarm and its messages in the outbox, in the same
commit, once per ticket; only a critical alarm pages the groups' contacts; the place named
in it fills the location; on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from analytics import flags
from analytics.models import EventAlert
from media import transcripts
from notify.models import OutboxMessage
from tests.analytics.conftest import ticket_of
from tickets.models import Recording


def alerts(db, number: str) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    ticket = ticket_of(db, number)
    return list(db.scalars(select(OutboxMessage).where(
        OutboxMessage.ticket_id == ticket.id, OutboxMessage.event == "early_warning")
        .order_by(OutboxMessage.id)))


def event_of(db, number: str) -> EventAlert | None:  # type: ignore[no-untyped-def]
    return db.scalar(select(EventAlert).where(EventAlert.ticket_id == ticket_of(db, number).id))


def test_a_fire_misheard_by_a_letter_pages_the_disaster_contacts_when_the_transcript_is_stored(
        phoned, db):
    number = phoned("Tolong pak, ada kebakarn rumah di desa Lapeo, apinya sudah besar")
    rows = alerts(db, number)
    assert {(r.channel, r.recipient) for r in rows} == {
        ("email", "bpbd@pemkab.example.id"), ("whatsapp", "+6281200000112"),
        ("sms", "+6281200000112")}
    assert "Deteksi dini kebakaran (tingkat kritis, keyakinan" in rows[0].body
    assert "petunjuk:" in rows[0].body
    assert any(f'"{w}"' in rows[0].body for w in ("kebakarn", "apinya"))
    assert "Desa/Kel. Lapeo, Kecamatan Campalagian" in rows[0].body
    assert rows[0].subject and rows[0].subject.startswith("[Deteksi dini · kebakaran · kritis]")
    ticket = ticket_of(db, number)
    assert ticket.location == "Desa/Kel. Lapeo, Kecamatan Campalagian"
    data = flags.as_json(db, ticket)
    event = data["flags"]["event_alarm"]
    assert event["kind"] == "kebakaran" and event["severity"] == "critical"
    assert 0.5 <= event["confidence"] <= 1 and event["cues"]
    assert data["flags"]["early_warning"] == []  # the demo groups are features, not alarms
    assert data["location"] == {"kecamatan": "Campalagian", "desa": "Lapeo",
                                "source": "otomatis", "heard": "Lapeo"}


def test_a_clash_pages_kesbangpol_and_a_flood_in_the_street_reaches_only_the_desk(
        phoned, db):
    flood = phoned("Air banjir masuk ke rumah warga di Wonomulyo setinggi lutut")
    clash = phoned("Pemuda desa Bonde dan desa Lapeo sedang bentrok, saling serang pakai "
                   "parang, sudah ada yang luka", phone="+6281299990000")
    assert event_of(db, flood).kind == "banjir"
    assert event_of(db, flood).severity.value == "high"
    assert alerts(db, flood) == []  # the demo supervisor has no e-mail; BPBD is not paged
    assert event_of(db, clash).kind == "konflik_kekerasan"
    assert {r.recipient for r in alerts(db, clash)} == {
        "kesbangpol@pemkab.example.id", "+6281200000113"}


def test_a_question_about_last_years_flood_aid_raises_no_alarm(phoned, db):
    number = phoned("Halo pak, saya mau tanya bantuan untuk korban banjir tahun lalu "
                    "kapan dicairkan")
    assert alerts(db, number) == [] and event_of(db, number) is None


def test_a_transcript_stored_twice_alerts_once(phoned, db, runtime):
    number = phoned("Tolong, api sedang membakar pasar sentral, kios-kios sudah habis")
    ticket = ticket_of(db, number)
    sent = len(alerts(db, number))
    assert sent == 3
    recording_id = db.scalar(select(Recording.id).where(Recording.ticket_id == ticket.id))
    with runtime.transaction() as session:
        transcripts.store_transcript(session, recording_id,
                                     {"text": "api makin besar di pasar"}, tz="Asia/Jakarta")
    assert len(alerts(db, number)) == sent
    assert len(list(db.scalars(select(EventAlert)))) == 1


def test_the_verified_description_is_judged_too_and_a_ticket_alerts_once(
        phoned, db, runtime):
    from tests.agents.conftest import user_named
    from tickets import workflow

    number = phoned("jalan di depan rumah saya rusak")
    assert alerts(db, number) == [] and event_of(db, number) is None
    operator = user_named(db, "operator")
    ticket = ticket_of(db, number)
    with runtime.transaction() as session:
        workflow.save_verification(
            session, session.merge(operator), number,
            workflow.Verification(description="Jalan amblas dan jembatan putus di Polewali",
                                  category_id=None, pokja_id=None),
            version=ticket.version, tz="Asia/Jakarta")
    event = event_of(db, number)
    assert event.kind == "bangunan_runtuh" and event.source == "uraian"
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
                               description="Rumah kami sedang terbakar, api merambat ke "
                                           "rumah tetangga")
        session.flush()
        number = ticket.number
    rows = alerts(db, number)
    assert rows and all("terbakar" not in r.body and "merambat" not in r.body for r in rows)
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
                        note="Belum beres, sekarang malah jembatan putus dan air sungai "
                             "masuk ke rumah warga")
    event = event_of(db, number)
    assert event is not None and event.source == "balasan"
