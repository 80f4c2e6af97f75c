"""``/lacak``: a ticket's status for whoever holds its number and the last four digits
of the reporter's phone number.

A typo, an unknown number and a wrong digit pair get the same page, byte for byte but
for the number echoed back, so the form cannot be used to learn which numbers exist;
lookups are rate-limited per client address (``portal/site/__init__.py``). The form is
posted, so numbers stay out of addresses, logs and the browser's history; it changes
nothing, so it carries no CSRF token (and the site sets no cookie).
"""

from __future__ import annotations

from flask import current_app, request
from werkzeug.wrappers import Response

from portal.services import track
from portal.site.web import bp, db, page

MAX_FIELD = 32


def _private(body: str, status: int = 200) -> Response:
    response = current_app.make_response((body, status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/lacak")
def lacak_form() -> Response:
    return _private(page("lacak.html", nomor="", hp="")[0])


@bp.post("/lacak")
def lacak() -> Response:
    nomor = "".join((request.form.get("nomor") or "")[:MAX_FIELD].split()).replace("-", "")
    hp = "".join((request.form.get("hp") or "")[:MAX_FIELD].split())
    if not nomor:
        return _private(page("lacak.html", 422, nomor="", hp="",
                             error="Isi nomor tiket (8 angka).")[0], 422)
    result = track(db(), nomor, hp)
    if result is None:
        # Never echo ``hp``: the page must be the same for every wrong digit pair.
        return _private(page("lacak.html", nomor=nomor, hp="", not_found=True)[0])
    return _private(page("lacak_hasil.html", t=result)[0])
