"""Twilio Messaging adapter (SMS and WhatsApp): webhook form in, TwiML out.

``POST /messaging/inbound`` takes every inbound message, checks it (signature, SIDs,
addresses, media URLs), hands it to :mod:`messaging.conversations` and answers with a
``<Message>`` built by twilio's ``MessagingResponse``. ``POST /messaging/status``
takes delivery-status callbacks of outbound messages. No business rules live here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from messaging.config import MessagingConfig

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask, config: MessagingConfig) -> None:
    # Loaded here, not on import: the settings import ``messaging.config`` alone.
    from messaging.views import bp

    app.extensions["messaging"] = config
    app.register_blueprint(bp)


__all__ = ["MessagingConfig", "init_app"]
