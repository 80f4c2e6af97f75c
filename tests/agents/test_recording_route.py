"""The recording route serves what the stored bytes are, never what a download claimed."""

from __future__ import annotations

from media.recordings import store_recording
from tests.agents.conftest import recorded_phone_ticket
from tests.audio_samples import HTML, encode, wav_bytes
from tickets.models import RecordingStatus


def _phone_ticket(db):  # type: ignore[no-untyped-def]
    return recorded_phone_ticket(db, "RE" + "5" * 32)


def test_a_recording_is_served_as_the_audio_its_bytes_are(operator, db, settings, tmp_path):
    tone = tmp_path / "tone.wav"
    tone.write_bytes(wav_bytes(2.0))
    mp3 = encode(tone, tmp_path / "tone.mp3", "-b:a", "32k").read_bytes()
    ticket, recording = _phone_ticket(db)
    store_recording(db, recording.id, mp3, "audio/x-wav", settings.recordings_dir)
    db.commit()

    response = operator.get(f"/console/tiket/{ticket.number}/rekaman/{recording.id}")
    assert response.status_code == 200 and response.data == mp3
    assert response.headers["Content-Type"] == "audio/mpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == (
        f"inline; filename=rekaman-{ticket.number}-{recording.id}.mp3")


def test_a_stored_page_from_before_the_checks_is_only_offered_as_a_download(operator, db,
                                                                            settings):
    ticket, recording = _phone_ticket(db)
    # What an unchecked download left behind: a page, recorded as text/html.
    (settings.recordings_dir / "old").mkdir(parents=True)
    (settings.recordings_dir / "old" / "page.wav").write_bytes(HTML)
    recording.status, recording.path = RecordingStatus.STORED, "old/page.wav"
    recording.content_type = "text/html"
    db.commit()

    response = operator.get(f"/console/tiket/{ticket.number}/rekaman/{recording.id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
