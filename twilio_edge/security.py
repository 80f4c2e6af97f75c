"""Checking ``X-Twilio-Signature`` on every webhook."""

from __future__ import annotations

import hmac

from flask import Request, Response, abort
from twilio.request_validator import RequestValidator, get_signature_algorithm


def public_url(request: Request, public_base_url: str | None) -> str:
    """The URL Twilio requested: behind a TLS proxy, rebuilt from PUBLIC_BASE_URL."""
    if public_base_url:
        return public_base_url + request.full_path.rstrip("?")
    return request.url


def is_signed(request: Request, auth_token: str, public_base_url: str | None) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    algorithm = get_signature_algorithm(request.headers.get("X-Twilio-Webhooks-Signature-Settings"))
    validator = RequestValidator(auth_token)
    # The form MultiDict keeps repeated fields, which Twilio signs one by one.
    params = request.form if request.method == "POST" else {}
    url = public_url(request, public_base_url)
    # Fast path: the URL exactly as received. validate() also tries it with and without
    # the default port (Twilio is not consistent there), at twice the cost.
    expected = validator.compute_signature(url, params, algorithm)
    if hmac.compare_digest(expected.encode(), signature.encode()):
        return True
    return bool(validator.validate(url, params, signature, algorithm))


def require_signature(request: Request, auth_token: str, public_base_url: str | None) -> None:
    """End the request with 403 and a plain Indonesian reason unless Twilio signed it."""
    if not is_signed(request, auth_token, public_base_url):
        abort(Response("Permintaan ditolak: tanda tangan Twilio (X-Twilio-Signature) tidak "
                       "ada atau tidak sah.\n", 403, mimetype="text/plain"))
