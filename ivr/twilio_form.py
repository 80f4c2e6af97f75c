"""Values from Twilio's webhook forms, parsed and checked once where they enter."""

from __future__ import annotations

from collections.abc import Mapping

from media.recordings import RecordingRef
from twilio_edge.twilio_ids import InvalidTwilioValue, recording_sid, recording_url


def recording_ref(form: Mapping[str, str]) -> RecordingRef | None:
    """The recording a ``<Record>`` action or recording-status callback announces, or None
    when the form has none, or one Twilio would never send: a SID that is not
    ``RE`` + 32 hex, a URL that is not ``…/2010-04-01/Accounts/AC…/Recordings/RE…`` of
    that same recording. Nothing a webhook sent is stored unchecked: the URL is kept
    in its canonical form."""
    try:
        sid = recording_sid(form.get("RecordingSid"))
        source = recording_url(form.get("RecordingUrl"), recording_sid=sid)
    except InvalidTwilioValue:
        return None
    try:
        duration: int | None = int(form.get("RecordingDuration", ""))
    except ValueError:
        duration = None
    return RecordingRef(source.recording_sid, source.url, duration)
