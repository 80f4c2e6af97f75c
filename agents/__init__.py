"""The agent console: a Flask blueprint where tickets are verified, forwarded and answered."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from agents.config import AgentsConfig
from agents.web import bp, error_page

csrf = CSRFProtect()


def init_app(app: Flask, config: AgentsConfig) -> None:
    # CSRF is checked by the console's own before_request, so the Twilio webhooks
    # elsewhere in the app (signed by Twilio, never by a browser form) are untouched.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    csrf.init_app(app)
    app.extensions["agents"] = config
    from agents import (  # noqa: F401  (routes)  # noqa: F401  (routes, row helpers)
        admin,
        apikeys,
        auth,
        dashboard,  # /dasbor
        exports,  # the downloads
        insights,  # early warning, places, duplicates
        messages,  # the attachment route
        outbox,
        pokja,
        queue,
        reports,
        rows,
        suggest_admin,
        ticket,
    )
    from agents.oversight import community, ladder  # noqa: F401  (routes)
    from agents.worklist import routes as worklist  # noqa: F401  (routes)

    app.register_blueprint(bp)


__all__ = ["AgentsConfig", "error_page", "init_app"]
