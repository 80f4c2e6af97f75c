"""The providers of outgoing messages: one ``deliver()`` in front of all of them.

Each adapter (Twilio SMS, Twilio voice calls, WhatsApp through Twilio, SMTP)
raises :class:`DeliveryError` whose ``permanent`` flag says whether trying again
can help. :func:`find_accepted` asks a provider whether it already has a message
whose delivery was interrupted, so an outbox row is never sent twice.
"""

from __future__ import annotations

import importlib
from dataclasses import replace
from types import ModuleType

from notify.outbox import Outgoing
from notify.providers.base import DeliveryError, NotifyConfig, ProviderReceipt, Unknowable
from tickets.text import one_line, printable

HELD_TWILIO = "Twilio belum dikonfigurasi"
HELD_WHATSAPP = "Nomor WhatsApp Twilio belum dikonfigurasi"
HELD_SMTP = "SMTP belum dikonfigurasi"
HELD_TEMPLATE = "Templat WhatsApp belum dikonfigurasi"


def not_configured(channel: str, config: NotifyConfig) -> str | None:
    """Why ``channel`` cannot deliver now (shown in the console), or None when it can."""
    if channel in ("sms", "voice"):
        return None if config.twilio_ready and config.settings.twilio_sms_from else HELD_TWILIO
    if channel == "whatsapp":
        if not config.twilio_ready:
            return HELD_TWILIO
        return None if config.settings.twilio_whatsapp_from else HELD_WHATSAPP
    if channel == "wa_template":
        if not config.twilio_ready:
            return HELD_TWILIO
        if not config.settings.twilio_whatsapp_from:
            return HELD_WHATSAPP
        return None if config.settings.whatsapp_template_sid else HELD_TEMPLATE
    if channel == "email":
        return None if config.settings.smtp_host and config.settings.mail_from else HELD_SMTP
    return f"saluran tidak dikenal: {channel}"


# Each channel's adapter module, imported on first use (e-mail needs no Twilio).
_ADAPTERS = {"sms": "twilio_sms", "voice": "twilio_voice", "whatsapp": "whatsapp",
             "wa_template": "whatsapp_template", "email": "email"}


def _adapter(channel: str) -> ModuleType | None:
    name = _ADAPTERS.get(channel)
    return None if name is None else importlib.import_module(f"notify.providers.{name}")


def sendable(message: Outgoing) -> Outgoing:
    """``message`` as every provider sends it: its body printable and its subject one line
    (``tickets.text``), whatever the row holds. A control character would otherwise reach
    a handset, make a voice call's TwiML not well-formed, or (a line break in a pokja's
    name) make the e-mail library refuse the subject on every retry."""
    subject = one_line(message.subject) if message.subject is not None else None
    return replace(message, body=printable(message.body), subject=subject)


def deliver(message: Outgoing, config: NotifyConfig) -> ProviderReceipt:
    """Hand ``message`` to its provider; raises DeliveryError."""
    adapter = _adapter(message.channel)
    if adapter is None:
        raise DeliveryError(f"saluran tidak dikenal: {message.channel}", permanent=True)
    receipt: ProviderReceipt = adapter.send(sendable(message), config)
    return receipt


def find_accepted(message: Outgoing, config: NotifyConfig) -> ProviderReceipt | None:
    """The provider's record of an interrupted attempt, or None when it has none.

    Raises :class:`Unknowable` when the provider cannot be asked (SMTP has no
    ``find``), and DeliveryError when asking failed.
    """
    find = getattr(_adapter(message.channel), "find", None)
    if find is None:
        raise Unknowable(f"{message.channel}: penyedia tidak dapat ditanya")
    receipt: ProviderReceipt | None = find(sendable(message), config)
    return receipt


__all__ = [
    "DeliveryError",
    "NotifyConfig",
    "ProviderReceipt",
    "Unknowable",
    "deliver",
    "find_accepted",
    "not_configured",
]
