"""The security headers worked out once per process are exactly the ones Flask-Talisman
itself sends, request after request, over http and https, and for a view with Talisman
options of its own."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask_talisman import Talisman

from hotline.app import talisman_options
from hotline.secure_headers import FixedHeadersTalisman
from tests.conftest import PRODUCTION_RATELIMITS

PRODUCTION = {"HOTLINE_ENV": "production", "SECRET_KEY": "s" * 40,
              "TWILIO_ACCOUNT_SID": "AC" + "a" * 32, "TWILIO_AUTH_TOKEN": "production-token",
              "PUBLIC_BASE_URL": "https://hotline.example.id", **PRODUCTION_RATELIMITS}
SECURITY_HEADERS = ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options",
                    "X-Content-Type-Options", "Referrer-Policy", "Strict-Transport-Security")
REQUESTS: list[dict[str, Any]] = [
    {}, {"headers": {"X-Forwarded-Proto": "https"}}, {"base_url": "https://localhost"},
    {"headers": {"X-Forwarded-Proto": "http"}}, {},
]


def _app(talisman: type[Talisman], options: dict[str, Any]) -> Flask:
    app = Flask(__name__)
    guard = talisman(app, **options)

    @app.post("/ivr/voice")
    def voice() -> str:
        return "<Response/>"

    @app.post("/ivr/own-header")
    def own_header() -> tuple[str, dict[str, str]]:
        # A header Talisman sets too, already on the response: replaced where it stands.
        return "<Response/>", {"X-Frame-Options": "SAMEORIGIN", "Cache-Control": "no-store"}

    @app.get("/frame")
    @guard(frame_options="SAMEORIGIN", content_security_policy={"default-src": "'none'"})
    def frame() -> str:
        return "framed"

    return app


@pytest.mark.parametrize("env_overrides", [{}, PRODUCTION], ids=["development", "production"])
def test_the_fixed_headers_are_talismans_own_on_every_request(settings):
    options = talisman_options(settings)
    reference = _app(Talisman, options).test_client()
    fixed = _app(FixedHeadersTalisman, options).test_client()
    for kwargs in REQUESTS:
        for method, path in (("POST", "/ivr/voice"), ("POST", "/ivr/own-header"),
                             ("GET", "/frame")):
            want = reference.open(path, method=method, **kwargs)
            got = fixed.open(path, method=method, **kwargs)
            assert got.status_code == want.status_code == 200
            assert got.headers.to_wsgi_list() == want.headers.to_wsgi_list(), (path, kwargs)


@pytest.mark.parametrize("env_overrides", [PRODUCTION])
def test_the_hotline_sends_talismans_headers_over_http_and_behind_the_tls_proxy(app, settings):
    reference = _app(Talisman, talisman_options(settings)).test_client()
    client = app.test_client()
    for headers in ({}, {"X-Forwarded-Proto": "https"}, {}):
        got = client.get("/healthz", headers=headers)
        want = reference.post("/ivr/voice", headers=headers)
        assert [(name, got.headers.get(name)) for name in SECURITY_HEADERS] == \
            [(name, want.headers.get(name)) for name in SECURITY_HEADERS]


def test_a_view_with_its_own_options_keeps_them_and_the_others_keep_the_apps():
    client = _app(FixedHeadersTalisman, {"force_https": False, "frame_options": "DENY"}
                  ).test_client()
    for _ in range(2):
        assert client.post("/ivr/voice").headers["X-Frame-Options"] == "DENY"
        framed = client.get("/frame")
        assert framed.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert framed.headers["Content-Security-Policy"] == "default-src 'none'"
