"""The needs-information loop: a postponed ticket asks its reporter on their channel
(phone callers by SMS); the reply, text or voice note, is attached to that ticket and
moves it back to awaiting verification, with an audit event."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from devtools.chat_simulator import ticket_number
from media.models import Attachment
from messaging.models import InboundMessage
from tests.notify.conftest import notify_env
from tickets import services
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Channel, Status, Ticket, TicketEvent, TranscriptionStatus

MOBILE = "+6281234567890"


@pytest.fixture
def env_overrides(twilio, mailbox) -> dict[str, str]:
    return notify_env(twilio, mailbox)


def _postpone(db, ticket: Ticket) -> None:
    transition(db, ticket, Status.POSTPONED, SYSTEM, "Lokasi kurang jelas.", tz="Asia/Jakarta")
    db.commit()


def _fresh(db, ticket_id: int) -> Ticket:
    db.expire_all()
    return db.get(Ticket, ticket_id)


def test_a_whatsapp_reporter_is_asked_and_their_reply_goes_back_to_the_queue(
        citizen, db, twilio):
    chat = citizen(whatsapp=True)
    for text in ("Halo", "1", "1", "2", "Jembatan retak."):
        chat.send(text)
    ticket = db.scalars(select(Ticket).where(
        Ticket.number == ticket_number(chat.send("SELESAI").replies))).one()
    _postpone(db, ticket)
    [asked] = twilio.sent(to=f"whatsapp:{MOBILE}")
    assert "informasi tambahan" in asked["body"] and ticket.number in asked["body"]

    reply = chat.send("Jembatannya di dusun Karanganyar, dekat masjid.").replies[0]
    assert f"tambahkan ke tiket {ticket.number}" in reply
    ticket = _fresh(db, ticket.id)
    assert ticket.status is Status.AWAITING_VERIFICATION
    event = db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                       .order_by(TicketEvent.id.desc())).first()
    assert event.actor_label == "pelapor" and "dusun Karanganyar" in event.note
    assert event.from_status == "postponed" and event.to_status == "awaiting_verification"
    message = db.scalars(select(InboundMessage).where(InboundMessage.role == "reply")).one()
    assert message.ticket_id == ticket.id
    # The question is answered: the next message is the menu again.
    assert "Balas 1" in chat.send("Halo").replies[0]


def test_a_phone_caller_is_asked_by_sms_and_may_answer_with_a_voice_note(
        citizen, db, twilio, tmp_path):
    ticket = services.create_ticket(db, channel=Channel.PHONE, actor=SYSTEM, tz="Asia/Jakarta",
                                    reporter_phone=MOBILE)
    db.commit()
    _postpone(db, ticket)
    [asked] = twilio.sent(to=MOBILE)
    assert "informasi tambahan" in asked["body"]

    note = tmp_path / "keterangan.ogg"
    from tests.audio_samples import encode, wav_bytes

    (tmp_path / "k.wav").write_bytes(wav_bytes(1.0))
    encode(tmp_path / "k.wav", note, "-c:a", "libopus")
    chat = citizen()  # by SMS (MMS), from the number the caller phoned from
    reply = chat.send("", [note]).replies[0]
    assert ticket.number in reply
    ticket = _fresh(db, ticket.id)
    assert ticket.status is Status.AWAITING_VERIFICATION
    attachment = db.scalars(select(Attachment)).one()
    assert attachment.ticket_id == ticket.id and attachment.kind.value == "audio"

    # Once transcribed (here SPEECH_ENGINE=none: done by hand), its words join the history.
    from media import attachments

    attachment.transcript_status = TranscriptionStatus.PENDING
    attachments.transcribed(db, attachment.id, "di dusun Karanganyar")
    db.commit()
    notes = [e.note for e in _fresh(db, ticket.id).events]
    assert "Transkrip pesan suara pelapor: di dusun Karanganyar" in notes


def test_keywords_still_work_while_a_question_waits(citizen, db, twilio):
    ticket = services.create_ticket(db, channel=Channel.PHONE, actor=SYSTEM, tz="Asia/Jakarta",
                                    reporter_phone=MOBILE)
    db.commit()
    _postpone(db, ticket)
    chat = citizen()
    assert f"Status tiket {ticket.number}" in chat.send(f"STATUS {ticket.number}").replies[0]
    assert _fresh(db, ticket.id).status is Status.POSTPONED
