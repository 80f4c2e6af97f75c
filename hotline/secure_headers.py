"""Flask-Talisman's security headers, worked out once per process where they cannot vary.

Talisman rebuilds every header on every response: it looks up the view's own options,
formats the Content-Security-Policy and the Permissions-Policy from their dicts, and
goes through Flask's context proxies a few dozen times. With the options this app
passes (no CSP nonce, no redirect to https, no view with options of its own) the
headers depend only on whether the request came over https (HSTS), so they are the
same for every webhook, the hottest requests of the app. ``FixedHeadersTalisman``
computes them with Talisman's own code the first time and copies them afterwards;
whether an endpoint's requests can vary is worked out once per endpoint.
Any request that could make them vary (a view decorated with its own Talisman options,
a nonce) goes through Talisman unchanged, and so would ``force_https=True``.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import Flask, request
from flask_talisman import Talisman
from werkzeug.datastructures import Headers


class FixedHeadersTalisman(Talisman):  # type: ignore[misc]
    def __init__(self, app: Flask, **options: Any) -> None:
        # Keyed on whether the request counts as https (the only input of HSTS).
        self._fixed: dict[bool, list[tuple[str, str]]] = {}
        # Whether a request to an endpoint needs Talisman's per-request work; the views
        # (and their Talisman options) are fixed once the app serves requests.
        self._varies_by_endpoint: dict[str | None, bool] = {}
        super().__init__(app, **options)

    def _varies(self) -> bool:
        """Whether this request needs Talisman's per-request work."""
        endpoint = request.endpoint
        varies = self._varies_by_endpoint.get(endpoint)
        if varies is None:
            view = self.app.view_functions.get(endpoint)
            varies = bool(self.force_https or self.content_security_policy_nonce_in
                          or hasattr(view, "talisman_view_options"))
            self._varies_by_endpoint[endpoint] = varies
        return varies

    def _force_https(self) -> Any:
        if self._varies():
            return super()._force_https()
        # What Talisman's hook does besides redirecting (which it would not do here).
        if self.session_cookie_secure and not self.app.debug:
            self.app.config["SESSION_COOKIE_SECURE"] = True
        return None

    def _make_nonce(self) -> None:
        if self._varies():
            super()._make_nonce()

    def _set_response_headers(self, response: Any) -> Any:
        if self._varies():
            return super()._set_response_headers(response)
        # request.is_secure, and the X-Forwarded-Proto header, read from the environ.
        environ = request.environ
        secure = (environ["wsgi.url_scheme"] in ("https", "wss")
                  or environ.get("HTTP_X_FORWARDED_PROTO") == "https")
        fixed = self._fixed.get(secure)
        if fixed is None:
            probe = SimpleNamespace(headers=Headers())
            super()._set_response_headers(probe)
            fixed = self._fixed[secure] = list(probe.headers.items())
        headers = response.headers
        for name, value in fixed:
            headers[name] = value
        return response
