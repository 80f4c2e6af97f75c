"""Each role sees and does only its own part, checked on the server."""

from __future__ import annotations

import pytest

from tests.agents.conftest import reload, user_named
from tickets import followup, workflow
from tickets.errors import NotFound, PermissionDenied
from tickets.models import Status


def test_a_pokja_user_cannot_open_another_pokjas_ticket(pokja2, make_ticket):
    # Answered as a missing ticket (tests/agents/test_boundaries.py): 404, not 403.
    ticket = make_ticket(Status.FORWARDED, code="PUPR")
    response = pokja2.get(f"/console/tiket/{ticket.number}")
    assert response.status_code == 404
    assert ticket.description not in response.get_data(as_text=True)


def test_a_pokja_user_cannot_answer_another_pokjas_ticket_with_a_crafted_post(
        pokja2, make_ticket, db):
    ticket = make_ticket(Status.FORWARDED, code="PUPR")
    response = pokja2.post(f"/console/tiket/{ticket.number}/jawab", {"answer": "Selesai."})
    assert response.status_code == 404
    ticket = reload(db, ticket)
    assert ticket.status is Status.FORWARDED and ticket.answer is None


def test_a_pokja_user_cannot_play_another_pokjas_recording(pokja2, make_ticket):
    ticket = make_ticket(Status.FORWARDED, code="PUPR")
    assert pokja2.get(f"/console/tiket/{ticket.number}/rekaman/1").status_code == 404


def test_a_pokja_user_does_not_see_tickets_before_they_are_forwarded(pokja, make_ticket):
    ticket = make_ticket(Status.AWAITING_VERIFICATION, code="PUPR")
    assert pokja.get(f"/console/tiket/{ticket.number}").status_code == 404
    assert ticket.number not in pokja.get("/console/kotak-masuk").get_data(as_text=True)


def test_a_pokja_inbox_lists_only_its_own_forwarded_tickets(pokja, make_ticket):
    own = make_ticket(Status.FORWARDED, code="PUPR")
    other = make_ticket(Status.FORWARDED, code="DINKES")
    page = pokja.get("/console/kotak-masuk").get_data(as_text=True)
    assert own.number in page and other.number not in page
    assert "hari kerja lagi" in page


def test_a_pokja_user_cannot_use_the_operator_queue_or_decisions(pokja, make_ticket, db):
    ticket = make_ticket(Status.FORWARDED, code="PUPR")
    assert pokja.get("/console/antrean").status_code == 403
    assert pokja.get("/console/pengaduan-baru").status_code == 403
    response = pokja.post(f"/console/tiket/{ticket.number}/tolak",
                          {"reason": "not_a_complaint"})
    assert response.status_code == 403
    assert reload(db, ticket).status is Status.FORWARDED


def test_anonim_hides_the_reporter_from_the_pokja_but_not_from_the_operator(
        pokja, operator, make_ticket):
    ticket = make_ticket(Status.FORWARDED, code="PUPR", anonim=True)
    page = pokja.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Budi Santoso" not in page and "6281234567890" not in page
    assert "disembunyikan" in page
    desk = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Budi Santoso" in desk and "+6281234567890" in desk


def test_a_pokja_sees_the_reporter_when_the_ticket_is_not_anonim(pokja, make_ticket):
    ticket = make_ticket(Status.FORWARDED, code="PUPR")
    assert "Budi Santoso" in pokja.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)


def test_an_operator_cannot_see_reports_and_a_pokja_cannot_publish(operator, pokja,
                                                                    make_ticket, db):
    ticket = make_ticket(Status.ANSWERED)
    assert operator.get("/console/laporan").status_code == 403
    # Publishing is the call centre's step (operator or supervisor), never the pokja's.
    response = pokja.post(f"/console/tiket/{ticket.number}/publikasikan",
                          {"public_summary": "Jalan rusak di desa."})
    assert response.status_code == 403
    assert reload(db, ticket).answer_published is False


def test_an_operator_cannot_open_the_admin_pages(operator):
    for path in ("/console/admin/pengguna", "/console/admin/pokja", "/console/admin/kategori",
                 "/console/admin/pengaturan"):
        assert operator.get(path).status_code == 403
    assert operator.post("/console/admin/pengguna", {
        "action": "baru", "username": "x", "password": "12345678", "role": "admin"}
    ).status_code == 403


def test_the_admin_does_not_read_tickets(admin, make_ticket):
    ticket = make_ticket()
    assert admin.get(f"/console/tiket/{ticket.number}").status_code == 404
    assert admin.get("/console/antrean").status_code == 403


def test_the_domain_refuses_a_pokja_acting_on_another_pokjas_ticket(db, make_ticket):
    # The same rule holds for any caller of the domain, not only the console.
    ticket = make_ticket(Status.FORWARDED, code="PUPR")
    with pytest.raises(NotFound):  # another pokja's ticket is not there for it at all
        followup.answer(db, user_named(db, "pokja2"), ticket.number, "x",
                        version=ticket.version, tz="Asia/Jakarta")
    with pytest.raises(PermissionDenied):
        workflow.postpone(db, user_named(db, "pokja"), ticket.number, "x",
                          version=ticket.version, tz="Asia/Jakarta")


def test_a_supervisor_publishes_an_answer_but_never_a_rahasia_one(supervisor, make_ticket, db):
    public = make_ticket(Status.ANSWERED)
    secret = make_ticket(Status.ANSWERED, rahasia=True)
    supervisor.post(f"/console/tiket/{public.number}/publikasikan",
                    {"public_summary": "Jalan berlubang di desa."})
    assert reload(db, public).answer_published is True
    assert supervisor.post(f"/console/tiket/{secret.number}/publikasikan",
                           {"public_summary": "x"}).status_code == 403
    assert reload(db, secret).answer_published is False


def test_the_supervisor_report_counts_and_lists_sla_breaches(supervisor, make_ticket, db):
    from datetime import timedelta

    from tickets.clock import utcnow
    late = make_ticket(verify_due_at=utcnow() - timedelta(days=1))
    slow = make_ticket(Status.FORWARDED)
    slow.followup_due_at = utcnow() - timedelta(days=1)
    db.commit()
    page = supervisor.get("/console/laporan").get_data(as_text=True)
    assert late.number in page and slow.number in page
    assert "Pokja Infrastruktur (Dinas PUPR)" in page and "Jalan dan jembatan" in page
