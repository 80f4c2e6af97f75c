"""Open311 GeoReport v2 at ``/open311/v2/``: discovery, services, requests (read and
file), one request, tokens; each as ``.xml`` (the spec's required format) and ``.json``.

Filing needs an API key (``accounts.apikeys``); a filed request is a ticket on the
``open311`` channel that the call centre verifies like any other. Nothing of a
reporter and nothing of a rahasia ticket is ever answered (``portal.services``).
The API takes no cookies and no browser forms: CSRF is checked only by the console's
own blueprint, so these POSTs need none; every other rule (the key, the rate limit,
the checks of every field, the security headers) applies.
"""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from accounts.apikeys import key_fingerprint
from portal.limits import init_for_blueprint
from portal.open311.config import Open311Config
from portal.open311.web import bp, error_document


def _rate_key() -> str:
    """Filing is counted per API key (its digest); a request without one per address."""
    key = request.form.get("api_key") or ""
    return f"key:{key_fingerprint(key)}" if key.strip() else f"addr:{get_remote_address()}"


def init_app(app: Flask, config: Open311Config) -> None:
    app.extensions["open311"] = config
    limiter = Limiter(_rate_key, storage_uri=config.ratelimit_storage,
                      strategy="moving-window", key_prefix="open311", headers_enabled=True,
                      in_memory_fallback_enabled=True)
    limiter.limit(config.settings.open311_post_limit, methods=["POST"])(bp)
    init_for_blueprint(app, limiter, bp)
    app.register_blueprint(bp)


__all__ = ["Open311Config", "error_document", "init_app"]
