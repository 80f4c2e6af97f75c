"""On which channel a reporter who wrote by message hears back.

SMS tickets get SMS. WhatsApp tickets get WhatsApp: free-form within Twilio's 24-hour
customer-service window (the citizen's last message to us), otherwise the configured
approved template; without a template, SMS when the number can take SMS (a mobile
number), else the message waits in the outbox, held with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers

WHATSAPP_WINDOW = timedelta(hours=24)
HELD_OUTSIDE_WINDOW = ("di luar jendela 24 jam WhatsApp, templat WhatsApp belum "
                       "dikonfigurasi, dan nomor tidak dapat menerima SMS")


@dataclass(frozen=True)
class Route:
    channel: str               # sms | whatsapp | wa_template
    held: str | None = None    # why the message must wait (kept in the outbox)


def can_take_sms(phone: str) -> bool:
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def in_window(last_inbound: datetime | None, now: datetime) -> bool:
    """Within WhatsApp's customer-service window: the citizen wrote less than 24 h ago."""
    return last_inbound is not None and now - last_inbound < WHATSAPP_WINDOW


def whatsapp_route(phone: str, last_inbound: datetime | None, now: datetime, *,
                   template: bool) -> Route:
    if in_window(last_inbound, now):
        return Route("whatsapp")
    if template:
        return Route("wa_template")
    if can_take_sms(phone):
        return Route("sms")
    # Held as a template message: once a template is configured, the outbox sweep releases
    # it and it goes out as one (a free-form message would be refused outside the window).
    return Route("wa_template", held=HELD_OUTSIDE_WINDOW)
