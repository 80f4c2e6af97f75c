"""The console's own error pages: a mistyped address, a wrong method or a server error
under /console is answered in the console's layout, in Indonesian, with the signed-in
menu where the database can still be asked, and never with what failed."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.failing import SECRET, Outage, failing_views

ENGLISH = ("Not Found", "Method Not Allowed", "Internal Server Error", "Traceback")


@pytest.fixture(autouse=True)
def outage(app: Flask) -> Outage:
    return failing_views(app, "/console/uji/gagal")


def console_page(response, status: int) -> str:  # type: ignore[no-untyped-def]
    """The body of a console error page, after what every one of them must hold."""
    assert response.status_code == status
    assert response.content_type == "text/html; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    body = response.get_data(as_text=True)
    assert body.startswith("<!doctype html>\n<html lang=\"id\">")
    assert 'href="/console/static/console.css"' in body  # the console's layout
    assert f"Kode kesalahan: {status}" in body
    assert '<a href="/console/">Kembali ke konsol</a>' in body
    assert "public.css" not in body
    assert not [word for word in ENGLISH if word in body]
    return body


def test_a_mistyped_console_address_keeps_the_agents_menu(operator):
    body = console_page(operator.get("/console/tidak-ada"), 404)
    assert "<title>Halaman tidak ditemukan · Suara Warga</title>" in body
    assert "<h1>Halaman tidak ditemukan</h1>" in body
    assert 'href="/console/antrean">Antrean</a>' in body and "Keluar</button>" in body


def test_a_visitor_who_is_not_signed_in_gets_the_page_without_a_menu(app):
    body = console_page(app.test_client().get("/console/tidak-ada"), 404)
    assert "<h1>Halaman tidak ditemukan</h1>" in body
    assert "Antrean" not in body and "Keluar" not in body


def test_a_missing_ticket_still_says_what_is_missing(operator):
    body = console_page(operator.get("/console/tiket/12345678"), 404)
    assert "<h1>Tidak ditemukan</h1>" in body


def test_a_wrong_method_names_the_methods_allowed(operator):
    wrong = operator.client.put("/console/antrean")
    body = console_page(wrong, 405)
    assert wrong.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert "<h1>Metode tidak diizinkan</h1>" in body and "menu konsol" in body
    assert 'href="/console/antrean">Antrean</a>' in body


def test_a_server_error_shows_nothing_of_the_failure(operator):
    body = console_page(operator.get("/console/uji/gagal"), 500)
    assert "<h1>Terjadi kesalahan pada server</h1>" in body
    assert "Periksa apakah perubahan Anda sudah tersimpan" in body
    assert SECRET not in body and "RuntimeError" not in body and "sandi" not in body


def test_the_server_error_page_is_drawn_when_the_database_is_gone(operator, outage):
    outage.arm()
    body = console_page(operator.get("/console/uji/gagal"), 500)
    assert "<h1>Terjadi kesalahan pada server</h1>" in body
    assert "Keluar" not in body  # the menu would have counted failed messages
    assert outage.refused == []


@pytest.fixture
def app(own_app: Flask) -> Flask:
    """These tests add failing routes: an app of their own (tests/failing.py)."""
    return own_app
