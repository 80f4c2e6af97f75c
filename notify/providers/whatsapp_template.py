"""A WhatsApp template message (``ContentSid`` + ``ContentVariables``) through Twilio:
the only kind WhatsApp delivers outside the 24-hour window after the citizen last wrote.
The outbox row's body is the value of the template's one variable."""

from __future__ import annotations

import json

from twilio.base import values

from notify.outbox import Outgoing
from notify.providers import twilio_rest
from notify.providers.base import DeliveryError, NotifyConfig, ProviderReceipt
from notify.providers.whatsapp import _wa


def send(message: Outgoing, config: NotifyConfig) -> ProviderReceipt:
    if not config.settings.whatsapp_template_sid:
        raise DeliveryError("templat WhatsApp belum dikonfigurasi", permanent=True)
    client = twilio_rest.client(config)
    callback = config.status_callback(message.id)
    variables = json.dumps({config.settings.whatsapp_template_variable: message.body})
    sent = twilio_rest.call(lambda: client.messages.create(
        to=_wa(message.recipient), from_=_wa(config.settings.twilio_whatsapp_from),
        content_sid=config.settings.whatsapp_template_sid, content_variables=variables,
        status_callback=callback if callback else values.unset,
    ))
    return ProviderReceipt(sent.sid, sent.status)
