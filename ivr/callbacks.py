"""Twilio's callbacks about a call (recording ready, call ended) and prompt audio.

Each hands one step to the call-state service (:mod:`ivr.calls`), which files the
complaint whatever order they arrive in. Unknown ids still get 2xx, so Twilio stops
retrying.
"""

from __future__ import annotations

from pathlib import Path

from flask import Response, request, send_from_directory

from ivr import calls
from ivr.twilio_form import recording_ref
from ivr.web import bp, caller, cfg, db

ENDED = ("completed", "busy", "failed", "no-answer", "canceled")


@bp.post("/recording-status")
def recording_status() -> Response:
    """The recording file is ready. If the call has already ended (the caller hung up
    while recording and the ``<Record>`` action never came or came late), this files it."""
    recording = recording_ref(request.form)
    if request.form.get("RecordingStatus") == "completed" and recording is not None:
        calls.recording_made(db(), *caller(), recording, tz=cfg().timezone)
    return Response(status=204)


@bp.post("/call-status")
def call_status() -> Response:
    """The call ended. A complaint recorded but never confirmed is still kept."""
    if request.form.get("CallStatus") in ENDED:
        calls.ended(db(), *caller(), tz=cfg().timezone)
    return Response(status=204)


@bp.get("/prompts/<path:filename>")
def prompt_audio(filename: str) -> Response:
    audio_dir: Path = cfg().catalog.audio_dir
    return send_from_directory(audio_dir, filename, max_age=3600)
