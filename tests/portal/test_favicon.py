"""The product's mark: an SVG at /favicon.ico, cacheable, allowed by the security policy,
and linked from the public site's and the console's layouts alike."""

from __future__ import annotations

from xml.etree import ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
LINK = '<link rel="icon" type="image/svg+xml" href="/favicon.ico">'


def test_the_favicon_is_an_svg_image_a_browser_may_cache(app):
    client = app.test_client()
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    root = ET.fromstring(response.get_data())
    assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 32 32"
    assert root.findtext(f"{SVG}title") == "Suara Warga"
    # Nothing in it that the policy (img-src 'self') or an image context would refuse.
    assert not root.findall(f".//{SVG}script") and b"href" not in response.get_data()
    again = client.get("/favicon.ico", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_every_layout_links_it(app, operator):
    client = app.test_client()
    for path in ("/", "/lacak", "/jawaban", "/tidak-ada"):
        assert LINK in client.get(path).get_data(as_text=True), path
    for path in ("/console/masuk", "/console/tidak-ada"):
        assert LINK in client.get(path).get_data(as_text=True), path
    assert LINK in operator.get("/console/antrean").get_data(as_text=True)
