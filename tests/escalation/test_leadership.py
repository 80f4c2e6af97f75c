"""The regional leadership's console: overdue tickets by agency, any ticket read-only,
and a disposition the pokja reads at the top of the ticket."""

from __future__ import annotations

from sqlalchemy import select

from escalation import services
from escalation.models import Disposition
from notify.models import OutboxMessage
from tests.agents.conftest import reload, user_named
from tickets.models import TicketEvent
from tickets.permissions import can_view


def test_the_leadership_sees_overdue_tickets_by_agency(db, late_ticket, leadership):
    pupr = late_ticket(9)
    late_ticket(9)
    dinkes = late_ticket(3, code="DINKES")
    response = leadership.get("/console/", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Keterlambatan per SKPD" in page
    assert "Pokja Infrastruktur (Dinas PUPR)" in page and "Pokja Kesehatan" in page
    assert pupr.number in page and dinkes.number in page
    # The agency with the most late tickets comes first.
    assert page.index("Pokja Infrastruktur") < page.index("Pokja Kesehatan")


def test_the_leadership_opens_any_ticket_read_only(db, late_ticket, leadership):
    ticket = late_ticket(1, code="DINKES")
    page = leadership.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert f"Tiket {ticket.number}" in page
    assert "Kirim disposisi" in page
    for action in ("Verifikasi &amp; teruskan", "Kirim jawaban", "Tambah catatan"):
        assert action not in page
    # Whatever a form would show, the domain refuses the leadership's actions.
    version = str(reload(db, ticket).version)
    for action, field in (("catatan", "note"), ("jawab", "answer"), ("teruskan", "note")):
        response = leadership.post(f"/console/tiket/{ticket.number}/{action}",
                                   {field: "Sudah diperbaiki.", "version": version})
        assert response.status_code == 403, action
    assert can_view(user_named(db, "bupati"), reload(db, ticket))


def test_a_disposition_reaches_the_pokja_at_the_top_of_the_ticket(db, late_ticket,
                                                                  leadership, pokja):
    ticket = late_ticket(9)
    response = leadership.post(f"/console/tiket/{ticket.number}/disposisi",
                               {"disposition": "Segera perbaiki dan laporkan besok pagi."},
                               follow_redirects=True)
    assert "Disposisi disimpan" in response.get_data(as_text=True)
    page = pokja.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    top = page.index('id="disposisi"')
    assert top < page.index("Analisis teks")
    assert "Segera perbaiki dan laporkan besok pagi." in page[top:]
    assert "Kirim disposisi" not in page  # the pokja reads it; it does not write one
    db.expire_all()
    assert db.scalars(select(Disposition)).one().author_label == "Bupati (pimpinan daerah)"
    trail = db.scalars(select(TicketEvent).where(TicketEvent.kind == "disposisi")).one()
    assert trail.actor_label == "Bupati (pimpinan daerah)"
    mails = db.scalars(select(OutboxMessage).where(OutboxMessage.event == "disposition")).all()
    assert "pupr@pemkab.example.id" in {m.recipient for m in mails}


def test_only_the_leadership_writes_a_disposition(db, late_ticket, pokja, supervisor,
                                                  leadership):
    ticket = late_ticket(9)
    for who in (pokja, supervisor):
        response = who.post(f"/console/tiket/{ticket.number}/disposisi",
                            {"disposition": "Perintah."})
        assert response.status_code == 403
    response = leadership.post(f"/console/tiket/{ticket.number}/disposisi",
                               {"disposition": "   "}, follow_redirects=True)
    assert "Tulis disposisi" in response.get_data(as_text=True)
    assert db.scalars(select(Disposition)).all() == []


def test_the_ticket_shows_its_escalations(db, late_ticket, operator):
    ticket = late_ticket(9)
    services.run(db, services.Policy("Asia/Makassar", None, "Uji"))
    db.commit()
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Eskalasi kepala SKPD" in page and "Eskalasi pimpinan daerah" in page
    assert "Dieskalasi ke Kepala SKPD" in page  # the audit trail


def test_an_agency_head_sees_their_own_agency_s_late_tickets(db, late_ticket, agent):
    pupr = late_ticket(9)
    dinkes = late_ticket(9, code="DINKES")
    head = agent("kepala_pupr")
    page = head.get("/console/pimpinan").get_data(as_text=True)
    assert pupr.number in page and dinkes.number not in page
    assert head.get(f"/console/tiket/{pupr.number}").status_code == 200
    assert head.get(f"/console/tiket/{dinkes.number}").status_code == 404  # as if missing
