"""The Twilio REST client, pointable at a loopback peer, and its error policy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from notify.providers.base import DeliveryError, NotifyConfig

T = TypeVar("T")

# Twilio errors a retry cannot fix even though HTTP says 4xx for config mistakes too.
PERMANENT_CODES = frozenset({
    21211,  # invalid 'To' number
    21214,  # 'To' number cannot be reached
    21217,  # phone number does not appear to be valid
    21408,  # permission to send to this region not enabled
    21610,  # recipient unsubscribed (STOP)
    21612,  # cannot route to this number
    21614,  # 'To' is not a mobile number
    63003,  # WhatsApp: channel could not find the recipient
})
# Search this far around an interrupted attempt when reconciling.
RECONCILE_SLACK = timedelta(minutes=2)


def client(config: NotifyConfig) -> Client:
    http = TwilioHttpClient(timeout=config.timeout_seconds)
    c = Client(config.account_sid, config.auth_token, http_client=http)
    if config.api_base:
        c.api.base_url = config.api_base
    return c


def call(fn: Callable[[], T]) -> T:
    """Run one REST call, turning its failures into DeliveryError."""
    try:
        return fn()
    except TwilioRestException as exc:
        code = int(exc.code) if exc.code else None
        transient = exc.status >= 500 or exc.status in (401, 403, 408, 429)
        permanent = code in PERMANENT_CODES or not transient
        raise DeliveryError(f"Twilio {exc.status}"
                            + (f" kode {code}" if code else "") + f": {exc.msg}",
                            permanent=permanent, code=code) from exc
    except requests.RequestException as exc:
        raise DeliveryError(f"Twilio tidak dapat dihubungi: {exc}", permanent=False) from exc


def aware(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def accepted_after(instance: Any, since: datetime) -> bool:
    created = getattr(instance, "date_created", None)
    return created is None or aware(created) >= aware(since) - RECONCILE_SLACK
