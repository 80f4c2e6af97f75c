"""The error pages in a real headless Chromium, on a 390 px phone and a wide screen: each
side's page fits, nothing is refused by the Content-Security-Policy, nothing comes from
another origin, and the favicon is an image Chromium draws."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.agents.test_browser import browser, sign_in  # noqa: F401  (fixture)
from tests.failing import Outage, failing_views


@pytest.fixture(autouse=True)
def outage(app: Flask) -> Outage:
    return failing_views(app, "/uji/gagal", "/console/uji/gagal")


@pytest.mark.slow
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 860)])
def test_each_sides_error_pages_fit_and_load_only_their_own_files(
        browser, live_server, tmp_path: Path, width, height):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": height},
                                  locale="id-ID", java_script_enabled=False)
    page = context.new_page()
    refused: list[str] = []
    other_origins: list[str] = []
    page.on("console", lambda m: refused.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: other_origins.append(r.url)
            if not r.url.startswith(live_server) else None)

    def visit(path: str, status: int, title: str) -> None:
        response = page.goto(f"{live_server}{path}")
        assert response is not None and response.status == status, path
        expect(page.locator("h1")).to_have_text(title)
        expect(page.locator("main")).to_contain_text(f"Kode kesalahan: {status}")
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{path} is {overflow}px wide at {width}px"
        name = path.strip("/").replace("/", "-")
        page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)

    visit("/tidak-ada", 404, "Halaman tidak ditemukan")
    expect(page.locator("body")).not_to_contain_text("konsol")
    page.click("main >> text=Lacak tiket")
    expect(page.locator("h1")).to_have_text("Lacak tiket")
    visit("/uji/gagal", 500, "Terjadi gangguan")

    sign_in(page, live_server, "operator")
    expect(page.locator("h1")).to_have_text("Antrean verifikasi")
    visit("/console/tidak-ada", 404, "Halaman tidak ditemukan")
    expect(page.locator("header.top")).to_contain_text("Antrean")
    visit("/console/uji/gagal", 500, "Terjadi kesalahan pada server")
    page.click("main >> text=Kembali ke konsol")
    expect(page.locator("h1")).to_have_text("Antrean verifikasi")

    # Opened on its own, the favicon is drawn as the 32 px SVG it is.
    icon = page.goto(f"{live_server}/favicon.ico")
    assert icon is not None and icon.status == 200
    assert page.evaluate("document.documentElement.getBoundingClientRect().width") == 32
    assert refused == [] and other_origins == []
    context.close()


@pytest.fixture
def app(own_app: Flask) -> Flask:
    """These tests add failing routes: an app of their own (tests/failing.py)."""
    return own_app
