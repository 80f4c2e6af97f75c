"""The shapes every adapter shares."""

from __future__ import annotations

from dataclasses import dataclass

from notify.config import NotifySettings
from tickets.contacts import mask_phones


@dataclass(frozen=True)
class ProviderReceipt:
    provider_id: str | None
    provider_status: str | None


class DeliveryError(Exception):
    """Delivery failed; ``permanent`` means trying again cannot help (an invalid number).

    Its text goes to the logs and the outbox row, so phone numbers in it are masked here:
    Twilio's errors quote the number ("The 'To' number +62... is not valid") and a failed
    request's URL carries it (``To=%2B62...``).
    """

    def __init__(self, message: str, *, permanent: bool, code: int | None = None) -> None:
        super().__init__(mask_phones(message))
        self.permanent = permanent
        self.code = code


class Unknowable(Exception):
    """The provider offers no way to ask whether it accepted a message."""


@dataclass(frozen=True)
class NotifyConfig:
    settings: NotifySettings
    account_sid: str
    auth_token: str
    # None = the real Twilio API; tests and the demo point it at a loopback peer.
    api_base: str | None
    # False when only the development credentials are set and no peer is configured:
    # then nothing may leave the machine.
    twilio_ready: bool
    # Origin for StatusCallback URLs (PUBLIC_BASE_URL); None = no callbacks.
    public_base_url: str | None
    tts_language: str = "id-ID"
    tts_voice: str = "Google.id-ID-Standard-A"
    timeout_seconds: float = 30.0

    def status_callback(self, outbox_id: int) -> str | None:
        if not self.public_base_url:
            return None
        return f"{self.public_base_url}/notify/status?m={outbox_id}"
