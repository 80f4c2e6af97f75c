"""One pipeline for both kinds of media, each stage counting its own attempts: a voice
note whose download needed retries is still transcribed, a download that keeps failing
ends with the right reason, and transcription attempts are bounded on their own."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from devtools.chat_simulator import ticket_number
from media import attachments, policy, work
from media.models import Attachment, AttachmentKind, AttachmentStatus
from media.tasks import download_attachment, sweep, transcribe_attachment
from messaging import filing
from messaging.models import Conversation, InboundMessage
from notify.models import OutboxMessage
from tests.audio_samples import encode, wav_bytes
from tickets.clock import utcnow
from tickets.events import SESSION_KEY, Dispatcher
from tickets.models import Status, Ticket, TranscriptionStatus

TEXT = "Lampu jalan di gang Melati mati sejak minggu lalu."
MESSAGE_SID = "MM" + "1" * 32


@pytest.fixture(scope="module")
def voice_note(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A WhatsApp-like voice note: one second of Ogg Opus."""
    folder = tmp_path_factory.mktemp("voice")
    (folder / "nada.wav").write_bytes(wav_bytes(1.0))
    return encode(folder / "nada.wav", folder / "pesan.ogg", "-c:a", "libopus")


def _start(chat) -> None:  # type: ignore[no-untyped-def]
    for text in ("Halo", "1", "5", "2"):
        assert chat.send(text).status == 200


def _told_failed(db, attachment: Attachment) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    return list(db.scalars(select(OutboxMessage).where(
        OutboxMessage.event == f"attachment-{attachment.id}-failed")))


def test_a_voice_note_whose_download_fails_three_times_is_still_transcribed(
        citizen, media_peer, db, voice_note):
    chat = citizen(whatsapp=True)
    _start(chat)
    chat.send(TEXT)
    # The media host answers 503 three times before it serves the file.
    exchange = chat.send(media=[voice_note], fail_first=3)
    assert "Diterima" in exchange.replies[0]
    number = ticket_number(chat.send("SELESAI").replies)

    db.expire_all()
    ticket = db.scalars(select(Ticket).where(Ticket.number == number)).one()
    attachment = db.scalars(select(Attachment)).one()
    assert media_peer.served(attachment.source_url).hits == 4
    assert attachment.status is AttachmentStatus.STORED
    assert attachment.download_attempts == 4
    # The download's retries took nothing from the transcription: it was claimed once
    # (SPEECH_ENGINE=none here, so the claim hands the voice note to an operator).
    assert attachment.transcribe_attempts == 1
    assert attachment.transcript_status is TranscriptionStatus.MANUAL
    assert attachment.error is None and attachment.lease_owner is None
    assert ticket.transcription_status is TranscriptionStatus.MANUAL
    assert ticket.status is Status.AWAITING_VERIFICATION
    assert ticket.transcript.text == TEXT
    assert _told_failed(db, attachment) == []


@pytest.mark.parametrize(("status", "hits", "reason"), [
    (503, policy.DOWNLOAD.max_attempts,
     f"server lampiran menjawab HTTP 503 (dicoba {policy.DOWNLOAD.max_attempts} kali)"),
    (403, 1, "server lampiran menjawab HTTP 403"),
], ids=["transient-every-time", "forbidden"])
def test_a_download_that_never_succeeds_fails_with_its_reason(
        citizen, media_peer, db, voice_note, status, hits, reason):
    chat = citizen(whatsapp=True)
    _start(chat)
    chat.send(TEXT)
    chat.send(media=[voice_note], always_status=status)
    number = ticket_number(chat.send("SELESAI").replies)

    db.expire_all()
    ticket = db.scalars(select(Ticket).where(Ticket.number == number)).one()
    attachment = db.scalars(select(Attachment)).one()
    assert media_peer.served(attachment.source_url).hits == hits
    assert attachment.status is AttachmentStatus.FAILED
    assert (attachment.download_attempts, attachment.transcribe_attempts) == (hits, 0)
    assert attachment.error == reason
    assert attachment.transcript_status is TranscriptionStatus.FAILED
    assert attachment.lease_owner is None
    # What was typed is kept; the reporter is told once why the voice note was not.
    assert ticket.transcript.text == TEXT
    assert ticket.transcription_status is TranscriptionStatus.FAILED
    assert reason in (ticket.transcription_error or "")
    told = _told_failed(db, attachment)
    assert len(told) == 1 and reason in told[0].body


def _voice_note_row(db, url: str, *, minutes_ago: int = 0) -> Attachment:  # type: ignore[no-untyped-def]
    """A voice note whose message was taken but whose download was never queued (written
    with a dispatcher that has no listeners): the test runs each stage."""
    now = utcnow()
    with db.begin():
        db.info[SESSION_KEY] = Dispatcher()
        conv = Conversation(address="whatsapp:+6281234567890", channel="whatsapp",
                            phone="+6281234567890", state="content", last_inbound_at=now,
                            window_started_at=now)
        db.add(conv)
        db.flush()
        message = InboundMessage(message_sid=MESSAGE_SID, conversation_id=conv.id,
                                 role="content", draft=True, num_media=1, received_at=now)
        db.add(message)
        db.flush()
        attachment = filing.add_attachment(db, message, 0, AttachmentKind.AUDIO, url,
                                           "audio/ogg", None)
        attachment.created_at = now - timedelta(minutes=minutes_ago)
    del db.info[SESSION_KEY]
    return attachment


def test_transcription_attempts_are_bounded_apart_from_download_attempts(
        app, db, media_peer, voice_note, settings):
    attachment = _voice_note_row(db, media_peer.add(MESSAGE_SID, voice_note))
    leases = work.ATTACHMENTS
    # Stored after all but the last of its download attempts.
    db.execute(update(Attachment).where(Attachment.id == attachment.id).values(
        download_attempts=policy.DOWNLOAD.max_attempts - 1))
    db.commit()
    with db.begin():
        db.info[SESSION_KEY] = Dispatcher()  # stored, as the task does, without enqueueing
        attachments.store(db, attachment.id, voice_note.read_bytes(), "audio/ogg",
                          settings.recordings_dir)
    del db.info[SESSION_KEY]
    for attempt in range(policy.TRANSCRIPTION.max_attempts):
        # Each attempt claims the transcription and then its worker dies.
        assert leases.claim_transcription(db, attachment.id, f"w{attempt}") is work.Claim.GRANTED
        db.execute(update(Attachment).where(Attachment.id == attachment.id)
                   .values(lease_until=utcnow() - timedelta(seconds=1)))
        db.commit()
    assert leases.claim_transcription(db, attachment.id, "x") is work.Claim.EXHAUSTED
    db.rollback()

    transcribe_attachment.apply((attachment.id,), task_id="sweep-rescue")
    db.expire_all()
    assert attachment.transcript_status is TranscriptionStatus.FAILED
    assert attachment.error == policy.exhausted(policy.TRANSCRIPTION)
    assert "dicoba 3 kali" in attachment.error
    assert (attachment.download_attempts, attachment.transcribe_attempts) == (
        policy.DOWNLOAD.max_attempts - 1, policy.TRANSCRIPTION.max_attempts)
    assert attachment.status is AttachmentStatus.STORED  # the file stays for an operator


def test_the_sweep_fetches_a_voice_note_whose_task_was_lost(app, db, media_peer, voice_note):
    attachment = _voice_note_row(db, media_peer.add(MESSAGE_SID, voice_note, fail_first=1),
                                 minutes_ago=5)
    counts = sweep.apply().get()
    assert counts["media"] == 1
    db.expire_all()
    assert attachment.status is AttachmentStatus.STORED
    assert (attachment.download_attempts, attachment.transcribe_attempts) == (2, 1)
    assert attachment.transcript_status is TranscriptionStatus.MANUAL
    assert sweep.apply().get() == {"downloads": 0, "transcripts": 0, "media": 0,
                                   "voice_notes": 0}


def test_a_download_whose_workers_all_died_fails_when_rescued(app, db, media_peer, voice_note):
    attachment = _voice_note_row(db, media_peer.add(MESSAGE_SID, voice_note), minutes_ago=5)
    db.execute(update(Attachment).where(Attachment.id == attachment.id).values(
        download_attempts=policy.DOWNLOAD.max_attempts))
    db.commit()
    download_attachment.apply((attachment.id,))
    db.expire_all()
    assert media_peer.served(attachment.source_url).hits == 0
    assert attachment.status is AttachmentStatus.FAILED
    assert attachment.error == policy.exhausted(policy.DOWNLOAD)
    assert "pekerja unduhan" in attachment.error


def test_each_step_logs_where_its_time_went(citizen, media_peer, db, voice_note, caplog):
    """The stage timings the pipeline benchmark reads (jobs.timing): queue wait, fetch and
    store for the download; the claim's database work for the transcription."""
    import logging

    from jobs import timing

    caplog.set_level(logging.INFO, logger="jobs.timing")
    chat = citizen(whatsapp=True)
    _start(chat)
    chat.send(TEXT)
    chat.send(media=[voice_note])
    attachment = db.scalars(select(Attachment)).one()
    lines = [timing.parse(r.getMessage()) for r in caplog.records if r.name == "jobs.timing"]
    steps = {(what, item, step): stages for what, item, step, stages in filter(None, lines)}
    download = steps[("attachment", attachment.id, "download")]
    assert {"queue_wait", "db", "fetch", "store"} <= set(download)
    assert "db" in steps[("attachment", attachment.id, "transcribe")]
