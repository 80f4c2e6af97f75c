"""Checking ``X-Twilio-Signature`` on every webhook."""

from __future__ import annotations

import base64
import hmac
from hashlib import sha1, sha256

from flask import Request, Response, abort
from twilio.request_validator import (
    HMAC_SHA1,
    HMAC_SHA256,
    RequestValidator,
    get_signature_algorithm,
)
from werkzeug.datastructures import MultiDict

_HASHES = {HMAC_SHA1: sha1, HMAC_SHA256: sha256}


def public_url(request: Request, public_base_url: str | None) -> str:
    """The URL Twilio requested: behind a TLS proxy, rebuilt from PUBLIC_BASE_URL."""
    if public_base_url:
        return public_base_url + request.full_path.rstrip("?")
    return request.url


def signature_of(auth_token: str, url: str, form: MultiDict[str, str],
                 algorithm: str = HMAC_SHA1) -> str:
    """What ``RequestValidator.compute_signature`` computes over a form (every value of a
    repeated field, sorted, duplicates once), in one pass: the validator asks each field
    for ``getall``, which Werkzeug's MultiDict lacks, and falls back after an exception
    per field (about a tenth of a webhook's time in the app)."""
    digest = _HASHES.get(algorithm.upper())
    if digest is None:
        raise ValueError(f"unsupported webhook signature algorithm: {algorithm}")
    parts = [url]
    for name, values in sorted(form.lists()):
        if len(values) == 1:  # every field of a Twilio form
            parts += (name, values[0])
            continue
        for value in sorted(set(values)):
            parts += (name, value)
    mac = hmac.new(auth_token.encode(), "".join(parts).encode(), digest)
    return base64.b64encode(mac.digest()).decode()


def is_signed(request: Request, auth_token: str, public_base_url: str | None) -> bool:
    environ = request.environ
    signature = environ.get("HTTP_X_TWILIO_SIGNATURE", "")
    if not signature:
        return False
    # Absent (the Auth Token's signature): what get_signature_algorithm says for it.
    settings = environ.get("HTTP_X_TWILIO_WEBHOOKS_SIGNATURE_SETTINGS")
    algorithm = get_signature_algorithm(settings) if settings else HMAC_SHA1
    # The form MultiDict keeps repeated fields, which Twilio signs one by one.
    params: MultiDict[str, str] = request.form if request.method == "POST" else MultiDict()
    url = public_url(request, public_base_url)
    # Fast path: the URL exactly as received. validate() also tries it with and without
    # the default port (Twilio is not consistent there), at twice the cost.
    if algorithm.upper() in _HASHES and hmac.compare_digest(
            signature_of(auth_token, url, params, algorithm).encode(), signature.encode()):
        return True
    return bool(RequestValidator(auth_token).validate(url, params, signature, algorithm))


def require_signature(request: Request, auth_token: str, public_base_url: str | None) -> None:
    """End the request with 403 and a plain Indonesian reason unless Twilio signed it."""
    # The webhooks pass flask.request: the request behind it, taken once, spares each
    # attribute read below a lookup of the request context.
    current = getattr(request, "_get_current_object", None)
    if current is not None:
        request = current()
    if not is_signed(request, auth_token, public_base_url):
        abort(Response("Permintaan ditolak: tanda tangan Twilio (X-Twilio-Signature) tidak "
                       "ada atau tidak sah.\n", 403, mimetype="text/plain"))
