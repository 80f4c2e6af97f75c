"""Twilio voice adapter: webhook form in, TwiML out. No business rules live here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ivr.config import IvrConfig

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask, config: IvrConfig) -> None:
    # Loaded here, not on import: the settings import ``ivr.config`` without the webhooks.
    from ivr import (
        callbacks,  # noqa: F401  (registers the callback routes on bp)
        feedback,  # noqa: F401  (the "is it fixed?" menus and routes)
    )
    from ivr.views import bp

    app.extensions["ivr"] = config
    app.register_blueprint(bp)


__all__ = ["IvrConfig", "init_app"]
