"""Twilio's delivery-status callbacks (``StatusCallback``) for messages and calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Flask, Response, current_app, request
from sqlalchemy.orm import Session

from notify import outbox
from twilio_edge.security import require_signature

bp = Blueprint("notify", __name__, url_prefix="/notify")


@dataclass(frozen=True)
class CallbackConfig:
    auth_token: str
    public_base_url: str | None
    db: Callable[[], Session]  # the request's session; the request commits


def init_app(app: Flask, config: CallbackConfig) -> None:
    app.extensions["notify"] = config
    app.register_blueprint(bp)


@bp.post("/status")
def status() -> Response:
    config: CallbackConfig = current_app.extensions["notify"]
    require_signature(request, config.auth_token, config.public_base_url)
    form = request.form
    provider_id = form.get("MessageSid") or form.get("CallSid")
    state = form.get("MessageStatus") or form.get("CallStatus") or ""
    try:
        outbox_id = int(request.args.get("m", ""))
    except ValueError:
        outbox_id = 0
    if outbox_id and state:
        outbox.apply_provider_status(config.db(), outbox_id, provider_id, state,
                                     form.get("ErrorCode"))
    # Unknown ids still get a success answer, so Twilio stops retrying.
    return Response(status=204)
