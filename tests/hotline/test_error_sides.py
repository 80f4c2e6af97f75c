"""Every HTTP error is answered by the side of the product its address belongs to: the
console, Open311, the Twilio webhooks, or the public site for everything else. The
webhooks get one short plain Indonesian line, never a page."""

from __future__ import annotations

import pytest
from flask import Flask

from hotline.errors import side_for
from tests.failing import SECRET, Outage, failing_views


def _console(_exc):  # type: ignore[no-untyped-def]
    return "console"


def _public(_exc):  # type: ignore[no-untyped-def]
    return "public"


@pytest.mark.parametrize(("path", "side"), [
    ("/console", _console), ("/console/", _console), ("/console/tiket/1", _console),
    ("/consoles", _public), ("/consolex/console/", _public), ("/", _public),
    ("/lacak", _public), ("/x/console/y", _public)])
def test_a_side_holds_its_prefix_and_what_lies_under_it_and_nothing_else(path, side):
    assert side_for(path, [("/console", _console)], _public) is side


@pytest.fixture
def outage(app: Flask) -> Outage:
    return failing_views(app, "/ivr/uji/gagal", "/messaging/uji/gagal", "/notify/uji/gagal")


PAGE_MARKS = {
    "public": ("text/html; charset=utf-8", 'href="/static/public/public.css"'),
    "console": ("text/html; charset=utf-8", 'href="/console/static/console.css"'),
    "xml": ("text/xml; charset=utf-8", "<errors><error><code>404</code>"),
    "json": ("application/json; charset=utf-8", '[{"code": 404, "description": '),
    "webhook": ("text/plain; charset=utf-8", "Alamat webhook tidak ditemukan.\n"),
}


@pytest.mark.parametrize(("path", "side"), [
    ("/tidak-ada", "public"), ("/healthz/tidak-ada", "public"), ("/consoles", "public"),
    ("/console/tidak-ada", "console"), ("/console/static/tidak-ada.css", "console"),
    ("/open311/tidak-ada", "xml"), ("/open311/v2/tidak-ada.xml", "xml"),
    ("/open311/v2/tidak-ada.json", "json"),
    ("/ivr/tidak-ada", "webhook"), ("/messaging/tidak-ada", "webhook"),
    ("/notify/tidak-ada", "webhook")])
def test_each_address_gets_the_not_found_answer_of_its_own_side(app, path, side):
    response = app.test_client().get(path)
    content_type, mark = PAGE_MARKS[side]
    assert response.status_code == 404
    assert response.content_type == content_type
    assert mark in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/ivr/voice", "/messaging/inbound", "/notify/status"])
def test_a_webhook_asked_with_the_wrong_method_answers_one_plain_line(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 405
    assert response.content_type == "text/plain; charset=utf-8"
    assert response.text == "Metode tidak diizinkan untuk alamat webhook ini.\n"
    assert response.headers["Allow"] == "OPTIONS, POST"


@pytest.mark.parametrize("edge", ["ivr", "messaging", "notify"])
def test_a_webhook_server_error_answers_one_plain_line_and_nothing_of_it(app, outage, edge):
    outage.arm()
    response = app.test_client().post(f"/{edge}/uji/gagal")
    assert response.status_code == 500
    assert response.content_type == "text/plain; charset=utf-8"
    assert response.text == "Terjadi kesalahan pada server.\n"
    assert SECRET not in response.text
    assert outage.refused == []


def test_a_signed_webhook_with_a_bad_field_answers_a_plain_400(signed_post):
    response = signed_post("/ivr/voice", {"CallSid": "bukan-sid", "From": "+628111"})
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text == "Permintaan tidak sah.\n"


def test_an_unsigned_webhook_keeps_its_own_refusal(app):
    response = app.test_client().post("/ivr/voice", data={"CallSid": "CA" + "1" * 32})
    assert response.status_code == 403
    assert response.content_type == "text/plain; charset=utf-8"
    assert response.text.startswith("Permintaan ditolak: tanda tangan Twilio")


@pytest.fixture
def app(own_app: Flask) -> Flask:
    """These tests add failing routes: an app of their own (tests/failing.py)."""
    return own_app
