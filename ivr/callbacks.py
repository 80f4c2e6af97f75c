"""Twilio's callbacks about a call (recording ready, call ended) and prompt audio.

Unknown ids still get 2xx, so Twilio stops retrying.
"""

from __future__ import annotations

from pathlib import Path

from flask import Response, request, send_from_directory
from sqlalchemy import select

from ivr.twilio_ids import is_recording_sid
from ivr.views import _call_sid, _db, _deps, bp
from tickets import services
from tickets.models import Recording, RecordingStatus


@bp.post("/recording-status")
def recording_status() -> Response:
    """Twilio says the recording file is ready: fetch it now if the ticket exists."""
    sid = request.form.get("RecordingSid")
    if request.form.get("RecordingStatus") == "completed" and is_recording_sid(sid):
        recording = _db().scalar(select(Recording).where(Recording.recording_sid == sid))
        # The download enqueued at submission is the first try; this callback only
        # hurries along one that is waiting out a "not ready yet" backoff.
        if (recording is not None and recording.status is RecordingStatus.PENDING
                and recording.attempts > 0):
            _deps()[1].recording_ready(recording.id)
    # Unknown or malformed ids still get 2xx, so Twilio stops retrying.
    return Response(status=204)


@bp.post("/call-status")
def call_status() -> Response:
    """The call ended. A complaint recorded but never confirmed is still kept."""
    if request.form.get("CallStatus") in ("completed", "busy", "failed", "no-answer", "canceled"):
        config, hooks = _deps()
        form = request.form
        services.register_call(_db(), _call_sid(), form.get("From"), form.get("To"))
        result = services.file_abandoned_recording(_db(), _call_sid(), tz=config.timezone)
        if result is not None and result[2]:
            hooks.recording_submitted(result[1].id)
    return Response(status=204)


@bp.get("/prompts/<path:filename>")
def prompt_audio(filename: str) -> Response:
    audio_dir: Path = _deps()[0].catalog.audio_dir
    return send_from_directory(audio_dir, filename, max_age=3600)
