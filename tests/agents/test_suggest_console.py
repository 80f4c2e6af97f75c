"""The console side of the routing suggestion, the queue's rows, and the error pages."""

from __future__ import annotations

import re

from sqlalchemy import select

from analytics import suggestions
from analytics.suggest_models import SuggestModel
from tests.agents.conftest import reload
from tickets.models import Category, Recording, Status, Transcript

ROAD = "Jalan di depan balai desa berlubang besar dan sudah ada pengendara motor yang jatuh."


def _select(page: str, name: str) -> str:
    """The value of the option selected in the (first) select named ``name``."""
    block = page.split(f'<select name="{name}">', 1)[1].split("</select>", 1)[0]
    found = re.search(r'<option value="([^"]*)" selected>', block)
    return found.group(1) if found else ""


def test_the_ticket_page_preselects_the_suggestion_marked_saran_sistem(operator, make_ticket, db):
    ticket = make_ticket(description=ROAD, category=None, pokja=None)
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    road = db.scalars(select(Category).where(Category.name == "Jalan dan jembatan")).one()
    assert "saran sistem" in page and "keyakinan" in page
    assert _select(page, "category_id") == str(road.id)
    assert _select(page, "pokja_id") == str(road.pokja_id)


def test_the_operators_own_saved_choice_is_not_overridden(operator, make_ticket, db):
    school = db.scalars(select(Category).where(Category.name == "Pendidikan")).one()
    ticket = make_ticket(description=ROAD, category=school, pokja_id=school.pokja_id)
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert _select(page, "category_id") == str(school.id)
    assert 'id="saran"' in page  # still shown, not chosen


def test_forwarding_records_whether_the_suggestion_was_taken(operator, supervisor, make_ticket,
                                                             db):
    ticket = make_ticket(description=ROAD, category=None, pokja=None)
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    response = operator.post(f"/console/tiket/{ticket.number}/teruskan", {
        "description": ROAD, "category_id": _select(page, "category_id"),
        "pokja_id": _select(page, "pokja_id"), "priority": "2"})
    assert response.status_code == 302
    assert reload(db, ticket).status is Status.FORWARDED
    row = suggestions.stored(db, ticket.id)
    assert row is not None and row.accepted is True
    report = supervisor.get("/console/laporan").get_data(as_text=True)
    assert "Saran sistem" in report and "100%" in report and "1 dari 1" in report


def test_the_admin_retrains_on_demand(admin, db):
    page = admin.get("/console/admin/saran").get_data(as_text=True)
    assert "korpus awal" in page
    response = admin.post("/console/admin/saran/latih")
    assert response.status_code == 302
    db.expire_all()
    assert db.scalar(select(SuggestModel.version)) is not None  # the eager task ran
    assert "Model aktif: versi" in admin.get("/console/admin/saran").get_data(as_text=True)


def test_only_admins_retrain(operator):
    assert operator.post("/console/admin/saran/latih").status_code == 403


def test_queue_rows_show_an_excerpt_the_duration_and_the_total(operator, make_ticket, db):
    first = make_ticket(description=None)
    recording = Recording(ticket=first, recording_sid="RE" + "5" * 32, duration_seconds=75.4)
    db.add(recording)
    db.flush()
    db.add(Transcript(ticket_id=first.id, recording_id=recording.id, engine="whisper",
                      text="sampah menumpuk di pasar " + "dan baunya menyengat " * 20))
    make_ticket(description="Lampu jalan mati.")
    db.commit()
    page = operator.get("/console/antrean").get_data(as_text=True)
    assert 'id="jumlah-tiket">Jumlah: <strong>2</strong>' in page
    assert "sampah menumpuk di pasar" in page and " …" in page  # transcript, cut short
    assert ">1:15<" in page
    assert "Lampu jalan mati." in page


def test_unknown_pages_and_methods_answer_in_indonesian(operator, app):
    missing = operator.get("/console/tidak-ada")
    assert missing.status_code == 404
    assert "Halaman tidak ditemukan" in missing.get_data(as_text=True)
    assert "Not Found" not in missing.get_data(as_text=True)
    wrong = operator.client.delete("/console/antrean")
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]
    body = wrong.get_data(as_text=True)
    assert "Metode tidak diizinkan" in body and "Method Not Allowed" not in body
    anonymous = app.test_client().get("/tidak-ada-sama-sekali")
    assert anonymous.status_code == 404
    assert "Halaman tidak ditemukan" in anonymous.get_data(as_text=True)
