"""Automated voice updates: a Twilio call whose inline TwiML speaks the outbox body."""

from __future__ import annotations

from twilio.base import values
from twilio.twiml.voice_response import VoiceResponse

from notify.outbox import Outgoing
from notify.providers import twilio_rest
from notify.providers.base import NotifyConfig, ProviderReceipt


def twiml(message: Outgoing, config: NotifyConfig) -> str:
    """Say the update twice (people miss the start of an unexpected call), then hang up."""
    resp = VoiceResponse()
    resp.pause(length=1)
    for _ in range(2):
        resp.say(message.body, language=config.tts_language, voice=config.tts_voice)
        resp.pause(length=1)
    resp.hangup()
    return str(resp)


def send(message: Outgoing, config: NotifyConfig) -> ProviderReceipt:
    client = twilio_rest.client(config)
    callback = config.status_callback(message.id)
    call = twilio_rest.call(lambda: client.calls.create(
        to=message.recipient, from_=config.settings.twilio_sms_from, twiml=twiml(message, config),
        status_callback=callback if callback else values.unset,
    ))
    return ProviderReceipt(call.sid, call.status)


def find(message: Outgoing, config: NotifyConfig) -> ProviderReceipt | None:
    """Calls carry no body to match: the first call to the number from ours since the
    interrupted attempt began is taken as ours (one update call per ticket event)."""
    client = twilio_rest.client(config)
    found = twilio_rest.call(lambda: client.calls.list(
        to=message.recipient, from_=config.settings.twilio_sms_from, limit=50))
    for c in sorted(found, key=lambda c: c.date_created or message.claimed_at):
        if c.date_created is not None and twilio_rest.accepted_after(c, message.claimed_at):
            return ProviderReceipt(c.sid, c.status)
    return None
