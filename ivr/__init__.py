"""Twilio voice adapter: webhook form in, TwiML out. No business rules live here."""

from __future__ import annotations

from flask import Flask

from ivr import callbacks  # noqa: F401  (registers the callback routes on bp)
from ivr.config import IvrConfig, IvrHooks
from ivr.views import bp


def init_app(app: Flask, config: IvrConfig, hooks: IvrHooks) -> None:
    app.extensions["ivr"] = (config, hooks)
    app.register_blueprint(bp)


__all__ = ["IvrConfig", "IvrHooks", "init_app"]
