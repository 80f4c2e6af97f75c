"""SMS to the caller through Twilio Messaging."""

from __future__ import annotations

from twilio.base import values

from notify.outbox import Outgoing
from notify.providers import twilio_rest
from notify.providers.base import NotifyConfig, ProviderReceipt


def send(message: Outgoing, config: NotifyConfig, *, to: str | None = None,
         from_: str | None = None) -> ProviderReceipt:
    client = twilio_rest.client(config)
    callback = config.status_callback(message.id)
    sent = twilio_rest.call(lambda: client.messages.create(
        to=to or message.recipient, from_=from_ or config.settings.twilio_sms_from,
        body=message.body,
        status_callback=callback if callback else values.unset,
    ))
    return ProviderReceipt(sent.sid, sent.status)


def find(message: Outgoing, config: NotifyConfig, *, to: str | None = None,
         from_: str | None = None) -> ProviderReceipt | None:
    """Twilio has no idempotency key for Messages: look for our body sent to the same number
    from our number since the interrupted attempt began."""
    client = twilio_rest.client(config)
    since = twilio_rest.aware(message.claimed_at) - twilio_rest.RECONCILE_SLACK
    to, from_ = to or message.recipient, from_ or config.settings.twilio_sms_from
    found = twilio_rest.call(lambda: client.messages.list(
        to=to, from_=from_, date_sent_after=since, limit=100))
    for m in sorted(found, key=lambda m: m.date_created or since):
        if (m.body or "").endswith(message.body) and twilio_rest.accepted_after(
                m, message.claimed_at):
            return ProviderReceipt(m.sid, m.status)
    return None
