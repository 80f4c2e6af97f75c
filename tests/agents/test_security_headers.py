"""The console's responses tell the browser to run only the console's own files and
never to render them inside a frame."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import PRODUCTION_RATELIMITS

AGENTS = Path(__file__).resolve().parents[2] / "agents"
PRODUCTION = {"HOTLINE_ENV": "production", "SECRET_KEY": "s" * 40,
              "TWILIO_ACCOUNT_SID": "AC" + "a" * 32, "TWILIO_AUTH_TOKEN": "production-token",
              "PUBLIC_BASE_URL": "https://hotline.example.id", **PRODUCTION_RATELIMITS}


def _csp(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    policy = response.headers["Content-Security-Policy"]
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";"))


def _assert_console_headers(response) -> None:  # type: ignore[no-untyped-def]
    csp = _csp(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_sign_in_page_carries_the_security_headers_and_is_not_redirected(app):
    response = app.test_client().get("/console/masuk")
    assert response.status_code == 200  # development: no redirect to https
    _assert_console_headers(response)
    assert "Strict-Transport-Security" not in response.headers


def test_signed_in_pages_and_static_files_carry_them_too(operator, make_ticket):
    ticket = make_ticket()
    for path in ("/console/", f"/console/tiket/{ticket.number}",
                 "/console/static/ticket.js"):
        response = operator.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        _assert_console_headers(response)


@pytest.mark.parametrize("env_overrides", [PRODUCTION])
def test_production_sends_hsts_behind_the_tls_proxy_but_never_redirects_itself(app):
    client = app.test_client()
    plain = client.get("/console/masuk")
    assert plain.status_code == 200  # the proxy owns http -> https
    _assert_console_headers(plain)
    proxied = client.get("/console/masuk", headers={"X-Forwarded-Proto": "https"})
    assert proxied.headers["Strict-Transport-Security"].startswith("max-age=")


def test_twilio_webhooks_still_get_plain_twiml(signed_post):
    response = signed_post("/ivr/voice", {"CallSid": "CA" + "9" * 32, "From": "+628111"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    assert response.text.startswith("<?xml") and "<Gather" in response.text


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on* handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


@pytest.mark.parametrize("template", sorted((AGENTS / "templates").rglob("*.html")),
                         ids=lambda p: p.name)
def test_templates_hold_no_inline_script_or_style_the_policy_would_block(template):
    source = template.read_text()
    for pattern, what in INLINE:
        assert not pattern.search(source), f"{template.name}: {what}"
