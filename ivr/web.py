"""What the IVR's views and callbacks share: the blueprint, its config, the request's
session, the signature guard and the checked ids from Twilio's form."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from sqlalchemy.orm import Session

from ivr.config import IvrConfig
from twilio_edge import twilio_ids
from twilio_edge.security import require_signature

bp = Blueprint("ivr", __name__, url_prefix="/ivr")


def cfg() -> IvrConfig:
    return current_app.extensions["ivr"]  # type: ignore[no-any-return]


def db() -> Session:
    return cfg().db()


@bp.before_request
def _require_twilio_signature() -> None:
    if request.endpoint == "ivr.prompt_audio":
        return  # Twilio fetches <Play> audio with a plain GET.
    config = cfg()
    require_signature(request, config.auth_token, config.public_base_url)


def call_sid() -> str:
    """``CA`` and 32 hex digits, or the request ends here with 400."""
    try:
        return twilio_ids.call_sid(request.form.get("CallSid"))
    except twilio_ids.InvalidTwilioValue:
        abort(400)


def caller() -> tuple[str, str | None, str | None]:
    """CallSid, From and To of the webhook."""
    return call_sid(), request.form.get("From"), request.form.get("To")
