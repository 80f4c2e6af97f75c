"""The notification settings (docs/notify.md, Settings), read once by the composition
root (``hotline.settings``): each field is the variable of the same name in upper case
unless it names another."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core.core_schema import ValidationInfo

from tickets.contacts import is_mailbox, phone_setting

Phone = Annotated[str, AfterValidator(phone_setting)]


class NotifySettings(BaseModel):
    model_config = ConfigDict(frozen=True, alias_generator=str.upper)

    smtp_host: str | None = None
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: str | None = None
    # Unset: STARTTLS on the submission port (587), plain elsewhere.
    smtp_starttls: bool = Field(None, validate_default=True)
    mail_from: str | None = None
    twilio_sms_from: Phone | None = None
    twilio_whatsapp_from: Phone | None = None
    # An approved WhatsApp template (ContentSid) for updates outside the 24-hour window,
    # and the name of the variable in it that carries the update's text.
    whatsapp_template_sid: str | None = Field(None, validation_alias="TWILIO_WHATSAPP_TEMPLATE_SID")
    whatsapp_template_variable: str = Field("1",
                                            validation_alias="TWILIO_WHATSAPP_TEMPLATE_VARIABLE")
    voice_updates: bool = Field(False, validation_alias="NOTIFY_VOICE_UPDATES")
    sla_warning_days: int = Field(1, ge=0, le=5, validation_alias="NOTIFY_SLA_WARNING_DAYS")
    supervisor_digest_hour: int = Field(7, ge=0, le=23)
    max_attempts: int = Field(8, ge=1, le=50, validation_alias="NOTIFY_MAX_ATTEMPTS")
    stale_sending_seconds: int = Field(600, ge=1, le=86400,
                                       validation_alias="NOTIFY_STALE_SENDING_SECONDS")

    @field_validator("smtp_starttls", mode="before")
    @classmethod
    def _starttls_on_587(cls, value: Any, info: ValidationInfo) -> Any:
        return info.data.get("smtp_port") == 587 if value is None else value

    @field_validator("mail_from")
    @classmethod
    def _mailbox(cls, value: str | None) -> str | None:
        if value is not None and not is_mailbox(value):
            raise ValueError("must be an e-mail address")
        return value

    @field_validator("whatsapp_template_sid")
    @classmethod
    def _content_sid(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"HX[0-9a-fA-F]{32}", value):
            raise ValueError("must be HX and 32 hex digits")
        return value

    @model_validator(mode="after")
    def _complete(self) -> NotifySettings:
        if self.smtp_host and not self.mail_from:
            raise ValueError("MAIL_FROM must be set when SMTP_HOST is")
        if self.smtp_user and not self.smtp_password:
            raise ValueError("SMTP_PASSWORD must be set when SMTP_USER is")
        return self
