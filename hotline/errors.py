"""Which side of the product answers an HTTP error (404, 405, 500, ...), by the request's
path: the console, Open311, the Twilio webhooks, or the public site.

Flask looks for a blueprint's error handlers only when the URL matched one of that
blueprint's routes, so a mistyped address (404) or a wrong method (405) reaches one
app-wide handler whatever side it was meant for, and so does a server error raised
before routing. The composition root knows where each side is mounted, so it hands the
error to that side's own responder; the public site, which owns the root of the URL
space, answers everything no other side claims. Handlers a blueprint registers for a
narrower error (the console's CSRF and permission pages, Open311's unknown format, the
rate limits) still come first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import Flask, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

Responder = Callable[[HTTPException], ResponseReturnValue]


def side_for(path: str, sides: Sequence[tuple[str, Responder]], fallback: Responder
             ) -> Responder:
    """The responder whose prefix holds ``path`` (``/console`` holds ``/console/x`` but
    not ``/consolex``), else ``fallback``."""
    for prefix, responder in sides:
        if path == prefix or path.startswith(prefix + "/"):
            return responder
    return fallback


def init_app(app: Flask, sides: Sequence[tuple[str, Responder]], fallback: Responder
             ) -> None:
    def answer(exc: HTTPException) -> ResponseReturnValue:
        return side_for(request.path, sides, fallback)(exc)

    # Every HTTPException with a status, 500 included: Flask turns an unhandled exception
    # into InternalServerError (after logging its traceback) and looks its handler up here.
    app.register_error_handler(HTTPException, answer)
