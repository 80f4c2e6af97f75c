"""The ticket page: recording, transcript, decisions, and the audit trail they leave."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from media.recordings import store_recording
from media.transcripts import store_transcript
from tests.agents.conftest import recorded_phone_ticket, reload
from tickets.models import (
    Channel,
    Pokja,
    RecordingStatus,
    RejectReason,
    Status,
    Ticket,
    TicketEvent,
    TranscriptionStatus,
)

WORDS = [
    {"word": "Jalan", "start": 0.0, "end": 0.4, "confidence": 0.95},
    {"word": "rusak", "start": 0.4, "end": 0.9, "confidence": 0.42},
    {"word": "<script>alert(1)</script>", "start": 0.9, "end": 1.2, "confidence": 0.9},
    {"word": "Foo & Bar", "start": 1.2, "end": 1.6, "confidence": 0.9},
]


@pytest.fixture
def phone_ticket(db, settings, complaint_wav):
    """A phone complaint with its stored recording and a machine transcript."""
    ticket, recording = recorded_phone_ticket(db, "RE" + "1" * 32)
    store_recording(db, recording.id, complaint_wav.read_bytes(), "audio/x-wav",
                    settings.recordings_dir)
    store_transcript(db, recording.id, {
        "text": " ".join(w["word"] for w in WORDS), "words": WORDS, "engine": "test"},
        tz="Asia/Jakarta")
    db.commit()
    return reload(db, ticket)


def events(db, ticket: Ticket) -> list[TicketEvent]:
    db.expire_all()
    return list(db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                           .order_by(TicketEvent.id)))


def test_a_transcript_with_html_is_shown_escaped(operator, phone_ticket):
    page = operator.get(f"/console/tiket/{phone_ticket.number}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Foo &amp; Bar" in page


def test_transcript_words_seek_the_audio_and_low_confidence_words_are_marked(
        operator, phone_ticket):
    page = operator.get(f"/console/tiket/{phone_ticket.number}").get_data(as_text=True)
    assert '<span class="w low" data-start="0.4"' in page
    assert '<span class="w" data-start="0.0"' in page
    assert "<audio" in page and "ticket.js" in page


def test_the_recording_is_served_with_range_support(operator, phone_ticket, complaint_wav):
    rec = phone_ticket.recordings[0]
    url = f"/console/tiket/{phone_ticket.number}/rekaman/{rec.id}"
    whole = operator.get(url)
    assert whole.status_code == 200 and whole.data == complaint_wav.read_bytes()
    part = operator.get(url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.data) == 100
    assert part.headers["Content-Range"].startswith("bytes 0-99/")


def test_anonim_recordings_and_transcripts_are_closed_to_the_pokja(pokja, phone_ticket, db):
    pupr = db.scalars(select(Pokja).where(Pokja.code == "PUPR")).one()
    ticket = reload(db, phone_ticket)
    ticket.pokja_id, ticket.anonim, ticket.status = pupr.id, True, Status.FORWARDED
    db.commit()
    rec = ticket.recordings[0]
    assert pokja.get(f"/console/tiket/{ticket.number}/rekaman/{rec.id}").status_code == 403
    page = pokja.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "rusak" not in page and "<audio" not in page


def test_correcting_the_transcript_keeps_the_machine_transcript(operator, phone_ticket, db):
    machine = phone_ticket.transcript.text
    operator.post(f"/console/tiket/{phone_ticket.number}/simpan",
                  {"description": "Jalan rusak di depan sekolah.", "priority": "1"})
    ticket = reload(db, phone_ticket)
    assert ticket.description == "Jalan rusak di depan sekolah."
    assert ticket.priority == 1
    assert ticket.transcript.text == machine
    assert events(db, ticket)[-1].kind == "edit"


def test_forwarding_needs_a_description_and_a_pokja_said_in_indonesian(operator, make_ticket,
                                                                       db):
    ticket = make_ticket(description="")
    response = operator.post(f"/console/tiket/{ticket.number}/teruskan",
                             {"description": "", "pokja_id": ""})
    assert response.status_code == 422
    assert "Uraian pengaduan wajib diisi sebelum diteruskan." in response.get_data(as_text=True)
    response = operator.post(f"/console/tiket/{ticket.number}/teruskan",
                             {"description": "Ada isinya", "pokja_id": ""})
    page = response.get_data(as_text=True)
    assert 'id="err-teruskan-pokja_id">Pilih pokja tujuan sebelum meneruskan.' in page
    assert reload(db, ticket).status is Status.AWAITING_VERIFICATION


def _pokja_id(db, code: str) -> str:
    return str(db.scalars(select(Pokja.id).where(Pokja.code == code)).one())


@pytest.mark.parametrize(("action", "form", "status"), [
    ("teruskan", {"description": "Jalan rusak.", "pokja_id": "PUPR"}, Status.FORWARDED),
    ("tunda", {"note": "Alamat belum jelas."}, Status.POSTPONED),
    ("tolak", {"reason": "not_our_authority", "note": "Jalan nasional."}, Status.REJECTED),
    ("tolak", {"reason": "not_a_complaint"}, Status.REJECTED),
])
def test_every_operator_decision_leaves_an_audit_event(operator, make_ticket, db, action, form,
                                                       status):
    ticket = make_ticket()
    before = len(events(db, ticket))
    if form.get("pokja_id"):
        form = {**form, "pokja_id": _pokja_id(db, form["pokja_id"])}
    response = operator.post(f"/console/tiket/{ticket.number}/{action}", form)
    assert response.status_code == 302
    ticket = reload(db, ticket)
    assert ticket.status is status
    trail = events(db, ticket)
    assert len(trail) > before
    assert trail[-1].kind == "transition" and trail[-1].to_status == status.value
    assert trail[-1].actor_label == "Operator Call Center"


def test_a_ticket_is_marked_as_duplicate_of_another_by_number(operator, make_ticket, db):
    original, copy = make_ticket(), make_ticket()
    operator.post(f"/console/tiket/{copy.number}/duplikat", {"original": original.number})
    copy = reload(db, copy)
    assert copy.status is Status.REJECTED
    assert copy.reject_reason is RejectReason.DUPLICATE and copy.duplicate_of_id == original.id
    assert events(db, original)[-1].note.startswith(f"Tiket {copy.number}")


def test_a_rejection_keeps_the_desks_note_apart_from_the_message_for_the_reporter(
        operator, make_ticket, db):
    ticket = make_ticket()
    response = operator.post(f"/console/tiket/{ticket.number}/tolak", {
        "reason": "not_our_authority", "note": "Sudah dicek di peta.",
        "reporter_message": "x" * 301})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="err-tolak-reporter_message">Pesan untuk pelapor terlalu panjang' in page
    assert 'value="Sudah dicek di peta."' in page  # what was typed is kept
    operator.post(f"/console/tiket/{ticket.number}/tolak", {
        "reason": "not_our_authority", "note": "Sudah dicek di peta.",
        "reporter_message": "Silakan lapor ke Balai Jalan Nasional."})
    ticket = reload(db, ticket)
    assert ticket.status is Status.REJECTED and ticket.status_note == "Sudah dicek di peta."
    assert ticket.reporter_message == "Silakan lapor ke Balai Jalan Nasional."
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Pesan untuk pelapor: Silakan lapor ke Balai Jalan Nasional." in page


def test_a_duplicate_of_an_unknown_number_is_refused_beside_the_field(operator, make_ticket):
    ticket = make_ticket()
    response = operator.post(f"/console/tiket/{ticket.number}/duplikat", {"original": "123"})
    assert 'id="err-duplikat-original">Nomor tiket asli tidak valid.' in response.get_data(
        as_text=True)


def test_an_internal_note_is_added_to_the_history(operator, make_ticket, db):
    ticket = make_ticket()
    operator.post(f"/console/tiket/{ticket.number}/catatan", {"note": "Sudah ditelepon balik."})
    last = events(db, ticket)[-1]
    assert (last.kind, last.note, last.internal) == ("note", "Sudah ditelepon balik.", True)
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Sudah ditelepon balik." in page


def test_an_illegal_decision_is_explained_not_crashed(operator, make_ticket, db):
    ticket = make_ticket(Status.ANSWERED)
    response = operator.post(f"/console/tiket/{ticket.number}/tunda", {"note": "x"},
                             follow_redirects=True)
    assert "tidak dapat diubah dari" in response.get_data(as_text=True)
    assert reload(db, ticket).status is Status.ANSWERED


def test_failed_and_manual_transcriptions_are_announced(operator, make_ticket):
    failed = make_ticket(transcription_status=TranscriptionStatus.FAILED,
                         transcription_error="model tidak ada")
    manual = make_ticket(transcription_status=TranscriptionStatus.MANUAL)
    assert "Transkripsi gagal: model tidak ada" in operator.get(
        f"/console/tiket/{failed.number}").get_data(as_text=True)
    assert "Transkripsi manual" in operator.get(
        f"/console/tiket/{manual.number}").get_data(as_text=True)


def test_the_pokja_works_a_ticket_to_an_answer(pokja, make_ticket, db):
    ticket = make_ticket(Status.FORWARDED)
    pokja.post(f"/console/tiket/{ticket.number}/proses")
    pokja.post(f"/console/tiket/{ticket.number}/draf", {"answer": "Sedang dicek."})
    assert reload(db, ticket).answer == "Sedang dicek."
    pokja.post(f"/console/tiket/{ticket.number}/jawab", {"answer": "Jalan sudah ditambal."})
    ticket = reload(db, ticket)
    assert ticket.status is Status.ANSWERED and ticket.answer == "Jalan sudah ditambal."
    assert [e.to_status for e in events(db, ticket) if e.kind == "transition"][-2:] == [
        "in_progress", "answered"]


def test_an_empty_answer_is_refused_in_indonesian(pokja, make_ticket, db):
    ticket = make_ticket(Status.FORWARDED)
    response = pokja.post(f"/console/tiket/{ticket.number}/jawab", {"answer": "  "})
    assert response.status_code == 422
    assert "Jawaban tindak lanjut wajib diisi." in response.get_data(as_text=True)


def test_a_pokja_returns_a_ticket_to_the_call_centre_with_a_note(pokja, make_ticket, db):
    ticket = make_ticket(Status.FORWARDED)
    response = pokja.post(f"/console/tiket/{ticket.number}/kembalikan", {"note": ""})
    assert "Tuliskan alasan pengembalian" in response.get_data(as_text=True)
    pokja.post(f"/console/tiket/{ticket.number}/kembalikan", {"note": "Bukan jalan kabupaten."})
    ticket = reload(db, ticket)
    assert ticket.status is Status.AWAITING_VERIFICATION and ticket.followup_due_at is None
    assert "Bukan jalan kabupaten." in events(db, ticket)[-1].note
    assert pokja.get(f"/console/tiket/{ticket.number}").status_code == 404


def test_an_operator_files_a_walk_in_complaint(operator, db):
    response = operator.post("/console/pengaduan-baru", {
        "channel": "walk_in", "reporter_name": "Siti", "reporter_phone": "0812-3456-789",
        "location": "Desa Sukamaju", "description": "Lampu jalan mati.", "rahasia": "1"})
    assert response.status_code == 302
    ticket = db.scalars(select(Ticket).order_by(Ticket.id.desc())).first()
    assert ticket.channel is Channel.WALK_IN and ticket.rahasia and not ticket.anonim
    assert ticket.reporter_name == "Siti" and ticket.status is Status.AWAITING_VERIFICATION
    assert ticket.reporter_phone == "+628123456789"  # E.164, so the SMS reaches it
    # The receipt: the ticket number and the phone as stored, to read back to the citizen.
    assert response.headers["Location"] == f"/console/pengaduan-baru/{ticket.number}"
    assert ticket.events[0].kind == "created"


def test_desk_intake_errors_are_shown_beside_the_field_in_indonesian(operator):
    response = operator.post("/console/pengaduan-baru", {"channel": "", "description": ""})
    assert response.status_code == 422
    assert 'id="err-channel">Pilih saluran pengaduan.' in response.get_data(as_text=True)
    response = operator.post("/console/pengaduan-baru", {"channel": "sms_wa", "description": ""})
    assert 'id="err-description">Uraian pengaduan wajib diisi.' in response.get_data(
        as_text=True)


def test_an_operator_fetches_a_failed_recording_again_once_the_outage_is_over(
    place_call, complaint_wav, db, peer, monkeypatch, agent
):
    original_add = peer.add
    monkeypatch.setattr(peer, "add", lambda sid, path, **kw: original_add(
        sid, path, always_status=503))
    result = place_call("1", "1", "2", "1", recordings=[complaint_wav])
    ticket = db.scalars(select(Ticket).where(Ticket.number == result.ticket_number)).one()
    recording = ticket.recordings[0]
    assert recording.status is RecordingStatus.FAILED
    page = agent("operator").get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Unduh ulang rekaman" in page

    peer.recordings[recording.recording_sid].always_status = None  # Twilio is back
    response = agent("operator").post(f"/console/tiket/{ticket.number}/unduh-ulang",
                                      {"recording_id": str(recording.id)})
    assert response.status_code == 302
    ticket = reload(db, ticket)
    assert ticket.recordings[0].status is RecordingStatus.STORED
    assert ticket.transcription_status is TranscriptionStatus.MANUAL  # no engine in tests
    assert ticket.events[-1].kind in ("edit", "system", "transition")
