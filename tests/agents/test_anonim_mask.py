"""An anonim caller who says their name: masked in everything beyond the call centre, the
operator sees the proposal and corrects it, the recording stays with the call centre
unless the operator opens it (issue 19, item 4)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from sqlalchemy import select

from media.recordings import store_recording
from media.transcripts import store_transcript
from tests.agents.conftest import pokja_named, recorded_phone_ticket, reload
from tests.audio_samples import wav_bytes
from tickets.clock import to_local, utcnow
from tickets.models import Status, Ticket, TicketEvent

SAID = "nama saya budi santoso dari rt 3 jalan di depan sekolah rusak parah"
# What an operator types after listening: the caller's name slipped in.
DESCRIPTION = "Pak Budi Santoso dari RT 3 melaporkan jalan di depan sekolah rusak parah."
MASKED = "Pak [disamarkan] dari RT 3 melaporkan jalan di depan sekolah rusak parah."


@pytest.fixture
def anonim_call(db, settings):
    """An anonim phone complaint with its recording and the machine transcript."""
    ticket, recording = recorded_phone_ticket(db, "RE" + "7" * 32)
    ticket.anonim = True
    store_recording(db, recording.id, wav_bytes(1.0), "audio/x-wav", settings.recordings_dir)
    words = [{"word": w, "start": i * 0.3, "end": i * 0.3 + 0.3, "confidence": 0.9}
             for i, w in enumerate(SAID.split())]
    store_transcript(db, recording.id, {"text": SAID, "words": words, "engine": "test"},
                     tz="Asia/Jakarta")
    db.commit()
    return reload(db, ticket)


def _forward(operator, db, ticket: Ticket, description: str = DESCRIPTION):  # type: ignore[no-untyped-def]
    response = operator.post(f"/console/tiket/{ticket.number}/teruskan", {
        "description": description, "pokja_id": str(pokja_named(db, "PUPR").id),
        "anonim": "1", "note": "Untuk PUPR: Pak Budi minta segera."})
    assert response.status_code == 302, response.get_data(as_text=True)
    return reload(db, ticket)


def _page(agent, ticket: Ticket) -> str:  # type: ignore[no-untyped-def]
    response = agent.get(f"/console/tiket/{ticket.number}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# --- the pokja reads it masked -----------------------------------------------------------

def test_the_pokja_reads_the_description_and_forwarding_note_masked(
        operator, pokja, anonim_call, db):
    ticket = _forward(operator, db, anonim_call)
    page = _page(pokja, ticket)
    assert MASKED in page and "Untuk PUPR: Pak [disamarkan] minta segera." in page
    assert "Budi" not in page and "Santoso" not in page
    inbox = pokja.get("/console/kotak-masuk").get_data(as_text=True)
    assert "Pak [disamarkan] dari RT 3" in inbox and "Budi" not in inbox
    # The call centre still reads every word.
    assert DESCRIPTION in _page(operator, ticket)


def test_the_operator_sees_the_proposed_mask_highlighted(operator, anonim_call, db):
    page = _page(operator, anonim_call)
    assert 'id="samaran"' in page and "usulan sistem" in page
    # The transcript's masked words are marked; the phrase is offered to untick.
    assert 'class="w masked"' in page and page.count('class="w masked"') == 2
    assert 'name="masked" value="budi santoso" checked' in page


def test_the_operators_correction_is_what_the_pokja_and_exports_read(
        operator, pokja, supervisor, anonim_call, db):
    ticket = _forward(operator, db, anonim_call)
    # The finder did not know "RT 3" identifies the caller in this small place.
    response = operator.post(f"/console/tiket/{ticket.number}/samaran",
                             {"masked": ["budi santoso"], "added": "RT 3"})
    assert response.status_code == 302
    expected = "Pak [disamarkan] dari [disamarkan] melaporkan jalan di depan sekolah rusak parah."
    assert expected in _page(pokja, ticket)
    trail = db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                       .order_by(TicketEvent.id.desc())).first()
    assert trail.internal and "RT 3" in trail.note  # audited, for the call centre only

    today = f"{to_local(utcnow(), 'Asia/Jakarta'):%Y-%m-%d}"
    lapor = supervisor.get(f"/console/ekspor-lapor?format=csv&date_from={today}"
                           f"&date_to={today}")
    rows = list(csv.reader(io.StringIO(lapor.get_data(as_text=True).lstrip("\ufeff"))))
    row = next(r for r in rows if r[0] == ticket.number)
    assert row[4] == expected and "Budi" not in lapor.get_data(as_text=True)
    xlsx = supervisor.get(f"/console/ekspor-lapor?date_from={today}&date_to={today}")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    cells = [c.value for r in sheet.iter_rows() for c in r if c.value]
    assert expected in cells and not any("Budi" in str(c) for c in cells)
    queue = operator.get("/console/antrean.csv?status=semua").get_data(as_text=True)
    assert expected in queue and "Budi" not in queue

    # A hand-written outward text replaces the computed one; one still naming the caller
    # is refused.
    refused = operator.post(f"/console/tiket/{ticket.number}/teks-samaran",
                            {"outward_text": "Pak Budi melapor jalan rusak."})
    assert refused.status_code == 422 and "masih memuat identitas" in refused.get_data(
        as_text=True)
    operator.post(f"/console/tiket/{ticket.number}/teks-samaran",
                  {"outward_text": "Seorang warga melaporkan jalan rusak di depan sekolah."})
    assert "Seorang warga melaporkan jalan rusak" in _page(pokja, ticket)


# --- the recording -----------------------------------------------------------------------

def test_the_recording_opens_to_the_pokja_only_when_the_operator_allows_it(
        operator, pokja, anonim_call, db):
    ticket = _forward(operator, db, anonim_call)
    rec = ticket.recordings[0]
    url = f"/console/tiket/{ticket.number}/rekaman/{rec.id}"
    assert pokja.get(url).status_code == 403
    assert "<audio" not in _page(pokja, ticket)

    assert operator.post(f"/console/tiket/{ticket.number}/izin-rekaman",
                         {"allowed": "1"}).status_code == 302
    assert pokja.get(url).status_code == 200
    page = _page(pokja, ticket)
    assert "<audio" in page and 'id="rekaman-dibuka"' in page
    assert SAID not in page  # the machine transcript stays closed
    trail = [e.note for e in reload(db, ticket).events]
    assert "Rekaman tiket anonim dibuka untuk pokja." in trail

    operator.post(f"/console/tiket/{ticket.number}/izin-rekaman", {})
    assert pokja.get(url).status_code == 403
    assert "Rekaman tiket anonim ditutup kembali untuk pokja." in [
        e.note for e in reload(db, ticket).events]


def test_a_pokja_cannot_open_the_recording_itself(pokja, operator, anonim_call, db):
    ticket = _forward(operator, db, anonim_call)
    response = pokja.post(f"/console/tiket/{ticket.number}/izin-rekaman", {"allowed": "1"})
    assert response.status_code == 403
    assert reload(db, ticket).privacy is None


# --- publishing ----------------------------------------------------------------------------

def test_an_anonim_public_summary_naming_the_caller_is_refused(operator, anonim_call, db):
    ticket = _forward(operator, db, anonim_call)
    ticket.status, ticket.answer = Status.ANSWERED, "Jalan sudah diperbaiki."
    db.commit()
    response = operator.post(f"/console/tiket/{ticket.number}/publikasikan",
                             {"public_summary": "Pak Budi melaporkan jalan rusak."})
    assert response.status_code == 422
    assert "memuat identitas pelapor (Budi)" in response.get_data(as_text=True)
    assert reload(db, ticket).answer_published is False
