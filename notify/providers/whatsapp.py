"""WhatsApp alerts to the pokja, through Twilio Messaging with the ``whatsapp:`` prefix."""

from __future__ import annotations

from notify.outbox import Outgoing
from notify.providers import twilio_sms
from notify.providers.base import NotifyConfig, ProviderReceipt


def _wa(number: str | None) -> str:
    number = number or ""
    return number if number.startswith("whatsapp:") else f"whatsapp:{number}"


def send(message: Outgoing, config: NotifyConfig) -> ProviderReceipt:
    return twilio_sms.send(message, config, to=_wa(message.recipient),
                           from_=_wa(config.settings.twilio_whatsapp_from))


def find(message: Outgoing, config: NotifyConfig) -> ProviderReceipt | None:
    return twilio_sms.find(message, config, to=_wa(message.recipient),
                           from_=_wa(config.settings.twilio_whatsapp_from))
