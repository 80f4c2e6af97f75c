"""The public site's and Open311's own error responses: a citizen who takes a wrong turn
gets an Indonesian page in the site's layout that points back into the site (never to
the console), and an Open311 client gets the spec's error document in the format it
asked for; a server error shows neither a traceback nor what failed."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest
from flask import Flask

from tests.failing import SECRET, Outage, failing_views
from tickets.reference import set_hotline_setting

AGENCY = "Pemerintah Kabupaten Uji"  # AGENCY_NAME of the test settings
ENGLISH = ("Not Found", "Method Not Allowed", "Internal Server Error", "Traceback")


@pytest.fixture
def env_overrides() -> dict[str, str]:
    return {"HOTLINE_NUMBER": "+62215550100"}


@pytest.fixture(autouse=True)
def outage(app: Flask) -> Outage:
    return failing_views(app, "/uji/gagal", "/open311/v2/uji/gagal.<fmt>")


def public_page(response, status: int) -> str:  # type: ignore[no-untyped-def]
    """The body of a public error page, after what every one of them must hold."""
    assert response.status_code == status
    assert response.content_type == "text/html; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    body = response.get_data(as_text=True)
    assert body.startswith("<!doctype html>\n<html lang=\"id\">")
    assert 'href="/static/public/public.css"' in body  # the site's layout
    assert f"Kode kesalahan: {status}" in body
    assert 'href="/"' in body and 'href="/lacak"' in body
    assert "konsol" not in body.lower() and "/console" not in body
    assert not [word for word in ENGLISH if word in body]
    return body


def test_an_unknown_address_gets_the_sites_not_found_page(app):
    client = app.test_client()
    for path in ("/tidak-ada", "/jawaban/12345678", "/static/public/tidak-ada.css",
                 "/consoletidak-ada"):
        body = public_page(client.get(path), 404)
        assert "<title>Halaman tidak ditemukan - Pemerintah Kabupaten Uji</title>" in body
        assert "<h1>Halaman tidak ditemukan</h1>" in body
        assert '<meta name="robots" content="noindex">' in body
        assert 'href="tel:+62215550100"' in body  # and the hotline to call instead


def test_the_not_found_page_names_the_agency_as_the_console_set_it(app, db):
    set_hotline_setting(db, "agency_name", "Pemerintah Kota Contoh")
    db.commit()
    body = public_page(app.test_client().get("/tidak-ada"), 404)
    assert "Pemerintah Kota Contoh" in body and AGENCY not in body


def test_a_wrong_method_gets_the_sites_page_with_the_methods_allowed(app):
    client = app.test_client()
    wrong = client.delete("/lacak")
    body = public_page(wrong, 405)
    assert wrong.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert "<h1>Permintaan tidak dapat diproses</h1>" in body
    assert "metode tidak diizinkan" in body
    assert public_page(client.post("/"), 405)


def test_a_server_error_gets_the_sites_page_and_nothing_of_the_failure(app):
    body = public_page(app.test_client().get("/uji/gagal"), 500)
    assert "<h1>Terjadi gangguan</h1>" in body
    assert "Coba lagi beberapa saat lagi" in body
    assert SECRET not in body and "RuntimeError" not in body and "sandi" not in body


def test_the_server_error_page_is_drawn_when_the_database_is_gone(app, outage):
    outage.arm()
    body = public_page(app.test_client().get("/uji/gagal"), 500)
    assert "<h1>Terjadi gangguan</h1>" in body
    assert AGENCY in body and 'href="tel:+62215550100"' in body  # from the settings
    assert outage.refused == []  # the page asked the database nothing


# Open311: the spec's error document, in XML unless the path ends in .json.

def open311_errors(response, status: int) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """The errors of a GeoReport v2 error document, read as the spec writes them."""
    assert response.status_code == status
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_data()
    if response.content_type == "application/json; charset=utf-8":
        errors = json.loads(data)
        assert isinstance(errors, list)
        assert all(list(e) == ["code", "description"] for e in errors)
        found = [{"code": str(e["code"]), "description": e["description"]} for e in errors]
    else:
        assert response.content_type == "text/xml; charset=utf-8"
        assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
        root = ET.fromstring(data)
        assert root.tag == "errors" and [e.tag for e in root] == ["error"] * len(root)
        assert all([c.tag for c in e] == ["code", "description"] for e in root)
        found = [{"code": e.findtext("code", ""), "description": e.findtext("description", "")}
                 for e in root]
    assert [e["code"] for e in found] == [str(status)]
    assert not [word for word in ENGLISH if word in found[0]["description"]]
    return found


@pytest.mark.parametrize(("suffix", "content_type"), [
    ("", "text/xml; charset=utf-8"), (".xml", "text/xml; charset=utf-8"),
    (".json", "application/json; charset=utf-8")])
def test_an_unknown_open311_address_is_a_not_found_error_document(app, suffix, content_type):
    for path in (f"/open311/v2/tidak-ada{suffix}", f"/open311/v1/services{suffix}"):
        response = app.test_client().get(path)
        assert response.content_type == content_type
        [found] = open311_errors(response, 404)
        assert found["description"].startswith("Sumber daya tidak ditemukan")


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_wrong_method_on_open311_names_the_methods_allowed(app, fmt):
    response = app.test_client().delete(f"/open311/v2/requests.{fmt}")
    [found] = open311_errors(response, 405)
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert found["description"] == ("Metode DELETE tidak diizinkan untuk alamat ini; yang "
                                     "diizinkan: GET, HEAD, OPTIONS, POST.")
    assert open311_errors(app.test_client().put(f"/open311/v2/discovery.{fmt}"), 405)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_open311_server_error_is_an_error_document_without_detail(app, outage, fmt):
    outage.arm()
    response = app.test_client().get(f"/open311/v2/uji/gagal.{fmt}")
    assert response.content_type.startswith({"xml": "text/xml", "json": "application/json"}[fmt])
    [found] = open311_errors(response, 500)
    assert found["description"] == "Terjadi kesalahan pada server; coba lagi nanti."
    assert SECRET not in response.get_data(as_text=True)


@pytest.fixture
def app(own_app: Flask) -> Flask:
    """These tests add failing routes: an app of their own (tests/failing.py)."""
    return own_app
