"""A recording nobody was heard on asks a person to listen: the ticket is marked
"Tidak terdengar ucapan" (not transcribed), on its page, in the queue row and filter, and
in ``tickets show --json``; its noise raises no alert. On SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from analytics.models import EventAlert, TicketAlert
from hotline.cli import cli
from media import transcripts
from tickets.lifecycle import SYSTEM
from tickets.models import Channel, Recording, Status, TranscriptionStatus
from tickets.services import create_ticket, ticket_by_number


def _phoned(runtime, text: str | None, sid: str, *, silent: bool = False) -> str:  # type: ignore[no-untyped-def]
    with runtime.transaction() as session:
        ticket = create_ticket(session, channel=Channel.PHONE, actor=SYSTEM, tz="Asia/Jakarta",
                               reporter_phone="+6281234567890", status=Status.RECORDED,
                               transcription_status=TranscriptionStatus.PENDING)
        session.flush()
        recording = Recording(ticket=ticket, recording_sid=sid)
        session.add(recording)
        session.flush()
        recording_id, number = recording.id, ticket.number
    with runtime.transaction() as session:
        if silent:
            transcripts.mark_transcription_failed(session, recording_id,
                                                  "rekaman tidak berisi suara",
                                                  tz="Asia/Jakarta", no_speech=True)
        else:
            transcripts.store_transcript(session, recording_id,
                                         {"text": text, "engine": "test"}, tz="Asia/Jakarta")
    return number


def test_noise_transcripts_and_silence_are_marked_tidak_terdengar_ucapan(app, db, operator):
    runtime = app.extensions["hotline"]
    empty = _phoned(runtime, "", "RE" + "1" * 32)
    thanks = _phoned(runtime, "Terima kasih. Terima kasih sudah menonton!", "RE" + "2" * 32)
    loop = _phoned(runtime, "ada banjir di desa ada banjir di desa ada banjir di desa ada "
                   "banjir di desa ada banjir di desa", "RE" + "3" * 32)
    silent = _phoned(runtime, None, "RE" + "4" * 32, silent=True)
    heard = _phoned(runtime, "Jalan di desa kami berlubang parah, terima kasih.", "RE" + "5" * 32)

    db.expire_all()
    status = {n: ticket_by_number(db, n) for n in (empty, thanks, loop, silent, heard)}
    for number in (empty, thanks, loop, silent):
        ticket = status[number]
        assert ticket.transcription_status is TranscriptionStatus.NO_SPEECH
        assert ticket.status is Status.AWAITING_VERIFICATION  # at the desk, for a person
    assert status[empty].transcription_error == "kosong"
    assert status[thanks].transcription_error == "hanya bunyi atau kata pengisi"
    assert status[loop].transcription_error == "pengulangan kata (loop)"
    assert status[heard].transcription_status is TranscriptionStatus.DONE
    # Noise raises nothing; a loop's words are still read (a flood said over and over).
    alerted = set(db.scalars(select(TicketAlert.ticket_id))) | set(db.scalars(
        select(EventAlert.ticket_id).where(EventAlert.alarm.is_(True))))
    assert status[thanks].id not in alerted and status[loop].id in alerted

    page = operator.get(f"/console/tiket/{thanks}").get_data(as_text=True)
    assert 'id="tak-terdengar"' in page and "Tidak terdengar ucapan" in page
    assert "Dengarkan rekaman" in page
    queue = operator.get("/console/antrean?tanda=tak-terdengar").get_data(as_text=True)
    for number in (empty, thanks, loop, silent):
        assert number in queue
    assert heard not in queue and "Tidak terdengar ucapan</span>" in queue

    shown = app.test_cli_runner().invoke(cli, ["tickets", "show", empty, "--json"])
    assert shown.exit_code == 0, shown.output
    assert '"status": "no_speech"' in shown.output
