"""Twilio voice adapter: webhook form in, TwiML out. No business rules live here."""

from __future__ import annotations

from flask import Flask

from ivr import (
    callbacks,  # noqa: F401  (registers the callback routes on bp)
    feedback,  # noqa: F401  (the "is it fixed?" menus and routes)
)
from ivr.config import IvrConfig
from ivr.views import bp


def init_app(app: Flask, config: IvrConfig) -> None:
    app.extensions["ivr"] = config
    app.register_blueprint(bp)


__all__ = ["IvrConfig", "init_app"]
