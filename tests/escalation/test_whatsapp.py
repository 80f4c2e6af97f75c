"""Agency heads and the leadership by WhatsApp: a number on the user (E.164 through the
phone rule, edited in the admin's user form), and the draft-waiting notice, the head's
daily digest, the escalation notice and the leadership's summary sent there too, each
once (the outbox's idempotency keys)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accounts import services as accounts
from escalation import services
from notify.models import OutboxMessage
from tests.agents.conftest import Agent, user_named
from tickets.errors import InvalidInput
from tickets.models import Status, Ticket

NOW = datetime(2026, 6, 10, 2, 0)  # Wednesday 10 June 2026, 10:00 WITA
POLICY = services.Policy("Asia/Makassar", "http://konsol.test/console", "Pemkab Uji")
HEAD_WA = "+6281234500011"
REGENT_WA = "+6281234500012"


def _whatsapp(db: Session, event: str) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.scalars(select(OutboxMessage).where(
        OutboxMessage.channel == "whatsapp", OutboxMessage.event.like(event))
        .order_by(OutboxMessage.id)))


def _give_whatsapp(db: Session, username: str, number: str) -> None:
    found = user_named(db, username)
    accounts.update_user(db, user_named(db, "admin"), found.id, role=found.role.value,
                         pokja_id=found.pokja_id, active=True, whatsapp=number)
    db.commit()


def test_the_admin_sets_a_users_whatsapp_number_as_e164(admin, db):
    head = user_named(db, "kepala_pupr")
    form = {"action": "ubah", "user_id": str(head.id), "role": "pimpinan_opd",
            "pokja_id": str(head.pokja_id), "active": "1", "email": head.email or ""}
    response = admin.post("/console/admin/pengguna", {**form, "whatsapp": "0812-3450-0011"})
    assert response.status_code == 302
    db.expire_all()
    assert user_named(db, "kepala_pupr").whatsapp == HEAD_WA
    page = admin.get("/console/admin/pengguna").get_data(as_text=True)
    assert f'value="{HEAD_WA}"' in page
    # A wrong number is refused in Indonesian beside the field, with what was typed kept.
    response = admin.post("/console/admin/pengguna", {**form, "whatsapp": "0812-34"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nomor WhatsApp tidak valid" in page
    assert 'value="0812-34"' in page
    db.expire_all()
    assert user_named(db, "kepala_pupr").whatsapp == HEAD_WA
    # Emptied: no more WhatsApp messages.
    admin.post("/console/admin/pengguna", {**form, "whatsapp": ""})
    db.expire_all()
    assert user_named(db, "kepala_pupr").whatsapp is None


def test_a_new_user_gets_a_whatsapp_number_and_a_wrong_one_is_refused(db):
    admin = user_named(db, "admin")
    with pytest.raises(InvalidInput, match="WhatsApp"):
        accounts.add_user(db, admin, username="sekda", full_name="Sekretaris Daerah",
                          password="kata-sandi-panjang-sekali", role="leadership",
                          pokja_id=None, whatsapp="bukan nomor")
    made = accounts.add_user(db, admin, username="sekda", full_name="Sekretaris Daerah",
                             password="kata-sandi-panjang-sekali", role="leadership",
                             pokja_id=None, whatsapp="+62 812 3450 0012")
    assert made.whatsapp == REGENT_WA


def test_the_draft_notice_and_the_heads_digest_reach_the_heads_whatsapp_once(
        app, db, agent: Callable[[str], Agent], make_ticket: Callable[..., Ticket]):
    _give_whatsapp(db, "pimpinan", HEAD_WA)
    ticket = make_ticket(Status.FORWARDED, code="DISDIK", description="Atap kelas bocor.")
    response = agent("pokja3").post(f"/console/tiket/{ticket.number}/jawab",
                                    {"answer": "Atap diperbaiki pekan depan."})
    assert response.status_code == 302
    notice = [m for m in _whatsapp(db, "draft#%") if m.recipient == HEAD_WA]
    assert len(notice) == 1 and ticket.number in notice[0].body
    assert "menunggu persetujuan" in notice[0].body
    # The e-mail still goes too.
    assert db.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.channel == "email", OutboxMessage.event.like("draft#%"))) == 1

    composer = app.extensions["hotline"].composer
    assert composer.head_digest(db) == 2  # the head's e-mail and WhatsApp
    assert composer.head_digest(db) == 0  # once a day
    db.commit()
    digest = _whatsapp(db, "head-digest")
    assert [m.recipient for m in digest] == [HEAD_WA]
    assert "1 jawaban menunggu persetujuan" in digest[0].body


def test_a_head_with_only_whatsapp_is_still_notified(app, db, make_ticket):
    head = user_named(db, "pimpinan")
    head.email = None
    db.commit()
    _give_whatsapp(db, "pimpinan", HEAD_WA)
    late = make_ticket(Status.FORWARDED, code="DISDIK")
    late.followup_due_at = NOW  # long past by the machine's clock: overdue in the digest
    db.commit()
    composer = app.extensions["hotline"].composer
    assert composer.head_digest(db) == 1
    db.commit()
    assert [m.recipient for m in _whatsapp(db, "head-digest")] == [HEAD_WA]


def test_escalations_reach_the_head_and_the_leadership_by_whatsapp_once(db, late_ticket):
    _give_whatsapp(db, "kepala_pupr", HEAD_WA)
    _give_whatsapp(db, "bupati", REGENT_WA)
    ticket = late_ticket(9, now=NOW)
    counts = services.run(db, POLICY, NOW)
    assert counts["messages"] == 2  # the head's e-mail and WhatsApp
    for _ in range(2):  # the scheduler again: nothing twice
        assert services.run(db, POLICY, NOW)["messages"] == 0
    db.commit()
    notice = _whatsapp(db, "escalation")
    assert [m.recipient for m in notice] == [HEAD_WA]
    assert "7 hari kerja" in notice[0].body  # 9 calendar days
    assert f"http://konsol.test/console/tiket/{ticket.number}" in notice[0].body

    assert services.leadership_summary(db, POLICY, NOW) == 2
    assert services.leadership_summary(db, POLICY, NOW) == 0
    db.commit()
    summary = _whatsapp(db, "escalation_summary")
    assert [m.recipient for m in summary] == [REGENT_WA]
    assert "1 tiket melewati batas" in summary[0].body
    assert "http://konsol.test/console/pimpinan" in summary[0].body
