"""Values from Twilio's webhook forms, parsed and checked once where they enter."""

from __future__ import annotations

import re
from collections.abc import Mapping

from tickets.calls import RecordingRef

_RECORDING_SID = re.compile(r"RE[0-9a-f]{32}")


def recording_ref(form: Mapping[str, str]) -> RecordingRef | None:
    """The recording a ``<Record>`` action or recording-status callback announces, or None
    when the form has none (or one whose SID is not Twilio's shape)."""
    sid, url = form.get("RecordingSid", ""), form.get("RecordingUrl", "")
    if not _RECORDING_SID.fullmatch(sid) or not url or len(url) > 500:
        return None
    try:
        duration: int | None = int(form.get("RecordingDuration", ""))
    except ValueError:
        duration = None
    return RecordingRef(sid, url, duration)
