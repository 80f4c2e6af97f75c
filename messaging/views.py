"""The inbound-message and delivery-status webhooks."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy.orm import Session
from twilio.twiml.messaging_response import MessagingResponse

from messaging import conversations, form
from messaging.config import MessagingConfig
from notify import outbox
from tickets.reference import agency_name, hotline_settings
from tickets.text import printable
from twilio_edge import twilio_ids
from twilio_edge.security import require_signature

bp = Blueprint("messaging", __name__, url_prefix="/messaging")


def cfg() -> MessagingConfig:
    return current_app.extensions["messaging"]  # type: ignore[no-any-return]


def db() -> Session:
    return cfg().db()


@bp.before_request
def _require_twilio_signature() -> None:
    config = cfg()
    require_signature(request, config.auth_token, config.public_base_url)


def _twiml(text: str) -> Response:
    # Made printable here: the reply may quote stored text (an answer, a pokja's name).
    text = printable(text)
    response = MessagingResponse()
    if text:
        response.message(text)
    return Response(str(response), mimetype="application/xml")


def render(config: MessagingConfig, session: Session, replies: list[conversations.Say]) -> str:
    agency = agency_name(hotline_settings(session, config.hotline_defaults))
    text = ""
    for key, values in replies:
        line = config.catalog.text(key, **{"agency": agency, **values})
        # "Status tiket 12345678:" reads on with what follows; other prompts are lines.
        text += (" " if text.endswith(":") else "\n" if text else "") + line
    return text


@bp.post("/inbound")
def inbound() -> Response:
    config = cfg()
    try:
        message = form.inbound(request.form, loopback_media=config.loopback_media)
    except form.BadForm:
        abort(400)
    session = db()
    outcome = conversations.receive(session, message, config.policy)
    if outcome.stored is not None:
        return _twiml(outcome.stored)
    text = render(config, session, outcome.replies)
    if outcome.message_id is not None:
        conversations.remember_reply(session, outcome.message_id, text)
    return _twiml(text)


@bp.post("/status")
def status() -> Response:
    """Delivery status of an outbound message (``StatusCallback``), by its MessageSid."""
    try:
        sid = twilio_ids.message_sid(request.form.get("MessageSid"))
    except twilio_ids.InvalidTwilioValue:
        abort(400)
    state = (request.form.get("MessageStatus") or "")[:32]
    if state:
        outbox.apply_status_by_provider_id(db(), sid, state, request.form.get("ErrorCode"))
    return Response(status=204)
