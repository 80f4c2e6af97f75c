"""The console's edges (issue 19, item 4): another pokja's ticket answered as a missing one,
ticket content exported by supervisors (a pokja: its own) and never by the technical
admin, no console response kept in a cache, one charset on a CSV."""

from __future__ import annotations

import re
from datetime import date

import pytest

from reporting import lapor
from tests.agents.conftest import user_named
from tickets import numbering
from tickets.errors import PermissionDenied
from tickets.models import Status


def _body(response) -> str:  # type: ignore[no-untyped-def]
    # The CSRF token of the sign-out form differs per page render; the rest must not.
    return re.sub(r'name="csrf_token" value="[^"]+"', "", response.get_data(as_text=True))


def _missing_number(taken: str) -> str:
    while True:
        number = numbering.new_number()
        if number != taken:
            return number


def test_another_pokjas_ticket_is_answered_as_a_missing_one(pokja2, make_ticket):
    ticket = make_ticket(Status.FORWARDED, code="PUPR")
    other = pokja2.get(f"/console/tiket/{ticket.number}")
    missing_number = _missing_number(ticket.number)
    missing = pokja2.get(f"/console/tiket/{missing_number}")
    assert other.status_code == missing.status_code == 404
    assert _body(other).replace(ticket.number, "N") == _body(missing).replace(
        missing_number, "N")
    assert ticket.description not in _body(other)
    # Every route under the ticket, the crafted post too.
    assert pokja2.get(f"/console/tiket/{ticket.number}/rekaman/1").status_code == 404
    assert pokja2.get(f"/console/tiket/{ticket.number}/lampiran/1").status_code == 404
    assert pokja2.post(f"/console/tiket/{ticket.number}/jawab",
                       {"answer": "Selesai."}).status_code == 404


def test_a_ticket_not_yet_forwarded_is_missing_for_the_pokja_too(pokja, make_ticket):
    ticket = make_ticket(Status.AWAITING_VERIFICATION, code="PUPR")
    assert pokja.get(f"/console/tiket/{ticket.number}").status_code == 404


def test_the_admin_exports_no_ticket_content(admin, supervisor, pokja, make_ticket):
    make_ticket(Status.FORWARDED)
    for path in ("/console/ekspor-lapor", "/console/ekspor-lapor?format=csv",
                 "/console/antrean.csv"):
        assert admin.get(path).status_code == 403, path
    # Aggregate figures stay the admin's: the dashboard and the monthly report.
    assert admin.get("/console/dasbor").status_code == 200
    assert admin.get("/console/laporan-bulanan").status_code == 200
    assert supervisor.get("/console/ekspor-lapor?format=csv").status_code == 200
    assert pokja.get("/console/ekspor-lapor?format=csv").status_code == 200


def test_the_domain_refuses_the_admin_a_lapor_export(db):
    with pytest.raises(PermissionDenied):
        lapor.lapor_csv(db, user_named(db, "admin"), date(2026, 1, 1), date(2026, 1, 31),
                        tz="Asia/Jakarta")


def test_every_console_response_is_kept_out_of_caches(app, operator, make_ticket):
    ticket = make_ticket()
    responses = [
        app.test_client().get("/console/masuk"),
        operator.get("/console/antrean"),
        operator.get(f"/console/tiket/{ticket.number}"),
        operator.get("/console/antrean.csv"),
        operator.get("/console/halaman-yang-tidak-ada"),
        operator.get("/console/static/ticket.js"),
        operator.get("/console/", follow_redirects=False),
    ]
    for response in responses:
        assert "no-store" in response.headers.get("Cache-Control", ""), response.request.path


def test_the_csv_names_its_charset_once(operator, supervisor, make_ticket):
    make_ticket()
    for response in (operator.get("/console/antrean.csv"),
                     supervisor.get("/console/ekspor-lapor?format=csv")):
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
