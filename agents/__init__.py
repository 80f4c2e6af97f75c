"""The agent console: a Flask blueprint where tickets are verified, forwarded and answered.

Importing the package costs nothing: the blueprint, its routes and flask are loaded by
:func:`init_app` (or on first use of ``error_page``), so a command that needs only
``agents.config`` (the settings) does not pay for the console.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agents.config import AgentsConfig

if TYPE_CHECKING:
    from flask import Flask


def __getattr__(name: str) -> Any:
    if name == "error_page":
        from agents.web import error_page

        return error_page
    raise AttributeError(f"module 'agents' has no attribute {name!r}")


def init_app(app: Flask, config: AgentsConfig) -> None:
    from flask_wtf.csrf import CSRFProtect

    from agents.web import bp

    # CSRF is checked by the console's own before_request, so the Twilio webhooks
    # elsewhere in the app (signed by Twilio, never by a browser form) are untouched.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    CSRFProtect(app)
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
    from agents.answer import canned_admin, desk  # noqa: F401  (routes)
    from agents.desk import views  # noqa: F401  (the presence heartbeat)
    from agents.oversight import community, ladder  # noqa: F401  (routes)
    from agents.worklist import routes as worklist  # noqa: F401  (routes)

    app.register_blueprint(bp)


__all__ = ["AgentsConfig", "error_page", "init_app"]
