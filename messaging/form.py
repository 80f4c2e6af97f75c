"""Twilio's inbound-message form, parsed and checked once where it enters."""

from __future__ import annotations

from collections.abc import Mapping

from messaging.conversations import Inbound, Media
from tickets.contacts import caller_number
from tickets.text import MAX_NAME, one_line, printable
from twilio_edge import twilio_ids

MAX_MEDIA_FIELDS = 10  # Twilio sends at most 10 media per message
_BODY_LIMIT = 20000    # far above any SMS or WhatsApp message; the domain caps further


class BadForm(ValueError):
    """A form Twilio would never send: answered 400, nothing written."""


def _content_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()[:100]


def inbound(form: Mapping[str, str], *, loopback_media: bool) -> Inbound:
    try:
        sid = twilio_ids.message_sid(form.get("MessageSid"))
    except twilio_ids.InvalidTwilioValue as exc:
        raise BadForm(str(exc)) from None
    address = (form.get("From") or "").strip()
    channel = "whatsapp" if address.startswith("whatsapp:") else "sms"
    phone = caller_number(address.removeprefix("whatsapp:"))
    if phone is None or len(address) > 64:
        raise BadForm("From is not a phone number")
    address = f"whatsapp:{phone}" if channel == "whatsapp" else phone
    raw = form.get("NumMedia")
    if raw is None:  # Twilio always sends it; a client that does not: count the URLs
        count = next(i for i in range(MAX_MEDIA_FIELDS + 2) if f"MediaUrl{i}" not in form)
    else:
        try:
            count = int(raw or "0")
        except ValueError:
            raise BadForm("NumMedia is not a number") from None
    if not 0 <= count <= MAX_MEDIA_FIELDS:
        raise BadForm("NumMedia out of range")
    media = []
    for index in range(count):
        try:
            url = twilio_ids.media_url(form.get(f"MediaUrl{index}"),
                                       any_path_on_loopback=loopback_media)
        except twilio_ids.InvalidTwilioValue:
            # Not a URL Twilio sends: kept as an unacceptable attachment (told politely).
            media.append(Media("", "invalid/url"))
            continue
        media.append(Media(url.url, _content_type(form.get(f"MediaContentType{index}"))))
    # Twilio's fields, which the sender cannot correct: made printable (tickets.text) and
    # cut to fit. The conversation refuses an over-long complaint with its own reply.
    profile = one_line(form.get("ProfileName"), MAX_NAME) or None
    body = printable((form.get("Body") or "")[:_BODY_LIMIT])
    return Inbound(sid, address, channel, phone, body, tuple(media), profile)
