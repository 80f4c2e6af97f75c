"""The escalation ladder: the agency head once past the threshold, the leadership's
daily summary once per day, thresholds from the console with their history, and the
counts on the dashboard and the monthly report."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from escalation import services
from escalation.models import HEAD, LEADERSHIP, Escalation, EscalationRule
from notify.models import OutboxMessage
from tests.agents.conftest import reload, user_named
from tickets.errors import InvalidInput
from tickets.models import Status, TicketEvent

# Wednesday 10 June 2026, 10:00 WITA; no holiday the working week before.
NOW = datetime(2026, 6, 10, 2, 0)
TZ = "Asia/Makassar"
POLICY = services.Policy(TZ, "http://konsol.test/console", "Pemerintah Kabupaten Uji")


def _count(db, model, *where) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where))


def test_a_ticket_past_the_threshold_notifies_its_agency_head_once(db, late_ticket):
    ticket = late_ticket(2, now=NOW)  # due Monday: 2 working days late on Wednesday
    on_time = late_ticket(1, now=NOW)  # due Tuesday: 1 working day late
    counts = services.run(db, POLICY, NOW)
    db.commit()
    assert counts[HEAD] == 1 and counts[LEADERSHIP] == 0 and counts["messages"] == 1
    escalation = db.scalars(select(Escalation)).one()
    assert (escalation.ticket_id, escalation.level, escalation.days_late) == (ticket.id, HEAD, 2)
    mail = db.scalars(select(OutboxMessage).where(OutboxMessage.event == "escalation")).one()
    assert mail.recipient == "kepala.pupr@pemkab.example.id"
    assert f"Tiket {ticket.number}" in mail.subject and "2 hari kerja" in mail.body
    assert f"http://konsol.test/console/tiket/{ticket.number}" in mail.body
    trail = db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                 TicketEvent.kind == "eskalasi")).one()
    assert "Kepala SKPD" in trail.note and trail.shared_with_pokja_id == ticket.pokja_id

    # The scheduler runs again (hourly, or two beats at once): nothing is sent twice.
    for _ in range(3):
        assert services.run(db, POLICY, NOW) == {HEAD: 0, LEADERSHIP: 0, "messages": 0}
        db.commit()
    assert _count(db, Escalation) == 1
    assert _count(db, OutboxMessage, OutboxMessage.event == "escalation") == 1
    assert _count(db, TicketEvent, TicketEvent.kind == "eskalasi") == 1
    assert _count(db, Escalation, Escalation.ticket_id == on_time.id) == 0


def test_an_answered_ticket_is_not_escalated(db, late_ticket):
    ticket = late_ticket(9, now=NOW)
    ticket.status = Status.ANSWERED
    db.commit()
    assert services.run(db, POLICY, NOW)[HEAD] == 0


def test_the_leadership_rung_and_its_daily_summary_are_written_once(db, late_ticket):
    dinkes = late_ticket(9, code="DINKES", now=NOW)  # 7 working days late
    late_ticket(2, now=NOW)
    counts = services.run(db, POLICY, NOW)
    assert counts[HEAD] == 2 and counts[LEADERSHIP] == 1
    assert services.leadership_summary(db, POLICY, NOW) == 1
    db.commit()
    summary = db.scalars(select(OutboxMessage).where(
        OutboxMessage.event == "escalation_summary")).one()
    assert summary.recipient == "bupati@pemkab.example.id"
    assert "2 tiket terlambat" in summary.subject
    assert "Pokja Kesehatan" in summary.body and dinkes.number in summary.body
    # Again the same day: nothing more; the next day: the next summary.
    assert services.leadership_summary(db, POLICY, NOW) == 0
    assert services.leadership_summary(db, POLICY, NOW.replace(day=11)) == 1


def test_thresholds_are_set_per_agency_and_kept_with_their_history(db, late_ticket):
    admin = user_named(db, "admin")
    pupr = reload(db, late_ticket(2, now=NOW)).pokja_id
    services.save_rule(db, admin, None, "3", "6")
    services.save_rule(db, admin, pupr, "4", "8")
    services.save_rule(db, admin, pupr, "1", "8")
    db.commit()
    assert _count(db, EscalationRule) == 3  # the history stays
    rules = services.current_rules(db)
    assert services.thresholds_for(rules, pupr) == services.Thresholds(1, 8)
    assert services.thresholds_for(rules, 9999) == services.Thresholds(3, 6)
    assert services.run(db, POLICY, NOW)[HEAD] == 1
    with pytest.raises(InvalidInput):
        services.save_rule(db, admin, None, "5", "2")  # the leadership before the head
    with pytest.raises(InvalidInput):
        services.save_rule(db, admin, None, "nol", "2")


def test_the_admin_sets_thresholds_in_the_console(admin, db):
    page = admin.get("/console/admin/eskalasi").get_data(as_text=True)
    assert "Semua SKPD (bawaan)" in page and "Belum ada perubahan" in page
    response = admin.post("/console/admin/eskalasi", {"pokja_id": "", "head_after_days": "3",
                                                      "leadership_after_days": "1"})
    assert response.status_code == 422
    assert "tidak boleh lebih cepat" in response.get_data(as_text=True)
    response = admin.post("/console/admin/eskalasi", {"pokja_id": "", "head_after_days": "3",
                                                      "leadership_after_days": "7"},
                          follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Batas eskalasi disimpan." in page and "Admin Diskominfo" in page


def test_only_the_admin_sets_thresholds(supervisor, db):
    assert supervisor.get("/console/admin/eskalasi").status_code == 403
    with pytest.raises(Exception, match="hak"):
        services.save_rule(db, user_named(db, "supervisor"), None, 2, 5)


def test_escalations_count_on_the_dashboard_and_the_monthly_report(db, late_ticket,
                                                                    supervisor):
    late_ticket(9, now=services.utcnow())
    services.run(db, POLICY)
    db.commit()
    page = supervisor.get("/console/dasbor").get_data(as_text=True)
    assert 'id="esc-head">1<' in page and 'id="esc-leadership">1<' in page
    page = supervisor.get("/console/laporan-bulanan").get_data(as_text=True)
    assert 'id="m-esc-head">1<' in page and 'id="m-esc-leadership">1<' in page
