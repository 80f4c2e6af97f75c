"""The media pipeline's settings, read once by the composition root (``hotline.settings``).

Where recordings are stored (``RECORDINGS_DIR``) is the composition root's: the console
serves them too. The size limit of message media is messaging's (``MESSAGE_MEDIA_MAX_BYTES``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class MediaSettings(BaseModel):
    model_config = ConfigDict(frozen=True, alias_generator=str.upper)

    # Delete each recording from Twilio once it is stored here.
    delete_twilio_recordings: bool = False
