"""The body of an HTTP error on a Twilio webhook (``/ivr``, ``/messaging``, ``/notify``):
one short plain Indonesian line, never an HTML page.

Twilio acts on the status alone (a voice call plays its own error or goes to the
fallback URL; a status callback is retried); the line is for whoever reads the request
in the Twilio console's debugger. Plain text cannot be taken for TwiML, and it carries
nothing of the failure itself: the traceback is in the server's log.
"""

from __future__ import annotations

from flask import Response
from werkzeug.exceptions import HTTPException, MethodNotAllowed

LINES = {
    400: "Permintaan tidak sah.",
    403: "Permintaan ditolak.",
    404: "Alamat webhook tidak ditemukan.",
    405: "Metode tidak diizinkan untuk alamat webhook ini.",
    413: "Permintaan terlalu besar.",
    500: "Terjadi kesalahan pada server.",
}
OTHER = "Permintaan tidak dapat diproses."


def plain_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    response = Response(f"{LINES.get(status, OTHER)}\n", status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return response
