"""The public site's and Open311's settings (docs/public.md), read once by the
composition root (``hotline.settings``)."""

from __future__ import annotations

from typing import Annotated

from limits import parse_many
from pydantic import AfterValidator, AliasChoices, BaseModel, ConfigDict, Field

from tickets.contacts import phone_setting


def _rate(value: str) -> str:
    try:
        parse_many(value)
    except ValueError:
        raise ValueError("must be a rate like '10/minute;60/hour'") from None
    return value


Phone = Annotated[str, AfterValidator(phone_setting)]
Rate = Annotated[str, AfterValidator(_rate)]


class PortalSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    # The numbers the site shows; by default the ones notifications are sent from.
    hotline_number: Phone | None = Field(
        None, validation_alias=AliasChoices("HOTLINE_NUMBER", "TWILIO_SMS_FROM"))
    whatsapp_number: Phone | None = Field(
        None, validation_alias=AliasChoices("PUBLIC_WHATSAPP_NUMBER", "TWILIO_WHATSAPP_FROM"))
    # Ticket lookups (/lacak) per client address, and Open311 filings per API key.
    lookup_limit: Rate = Field("10/minute;60/hour", validation_alias="PUBLIC_LOOKUP_LIMIT")
    open311_post_limit: Rate = Field("30/minute;1000/day", validation_alias="OPEN311_POST_LIMIT")
