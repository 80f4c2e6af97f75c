"""DELETE_TWILIO_RECORDINGS: Twilio's copy of a recording is deleted only once ours is
committed; a store that rolls back leaves it at Twilio for the retry."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from ivr import calls
from media.recordings import RecordingRef
from media.tasks import download_recording
from tests.audio_samples import wav_bytes
from tickets import events
from tickets.events import SESSION_KEY, Dispatcher
from tickets.models import Recording, RecordingStatus

SID = "RE" + "de" * 16


@pytest.fixture
def env_overrides() -> dict[str, str]:
    return {"DELETE_TWILIO_RECORDINGS": "1"}


def _filed(db: Session, peer, tmp_path) -> Recording:  # type: ignore[no-untyped-def]
    """A confirmed phone complaint whose recording waits at the peer, filed outside a
    request so that nothing enqueues its download: the test runs it."""
    wav = tmp_path / "keluhan.wav"
    wav.write_bytes(wav_bytes(1.0))
    with db.begin():
        db.info[SESSION_KEY] = Dispatcher()
        calls.recording_made(db, "CA" + "de" * 16, "+628111", "+62215550112",
                             RecordingRef(SID, peer.add(SID, wav)), tz="Asia/Jakarta")
        filed = calls.confirmed(db, "CA" + "de" * 16, tz="Asia/Jakarta")
        assert filed is not None and filed.created
        recording = db.get_one(Recording, filed.recording_id)
    del db.info[SESSION_KEY]
    return recording


def _deletes(peer) -> list[tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    return [entry for entry in peer.log if entry[0] == "DELETE"]


def test_a_stored_recording_is_deleted_at_twilio_after_the_commit(app, db, peer, tmp_path):
    recording = _filed(db, peer, tmp_path)
    download_recording.apply(args=[recording.id]).get()
    db.expire_all()
    assert recording.status is RecordingStatus.STORED
    assert peer.recordings[SID].deleted and len(_deletes(peer)) == 1


def test_a_store_that_rolls_back_does_not_delete_twilios_copy(app, db, peer, tmp_path):
    def fails(_session: Session, _event: events.RecordingStored) -> None:
        raise RuntimeError("a listener of the stored recording failed")

    # Any failure inside the store's transaction rolls it back: here a listener's.
    app.extensions["hotline"].dispatcher.subscribe(events.RecordingStored, fails)
    recording = _filed(db, peer, tmp_path)
    result = download_recording.apply(args=[recording.id])

    assert result.failed() and isinstance(result.result, RuntimeError)
    db.expire_all()
    assert recording.status is RecordingStatus.PENDING and recording.path is None
    assert not peer.recordings[SID].deleted and _deletes(peer) == []
