"""The agency head's approval (pimpinan OPD): on an agency that requires it, the pokja's
answer is a draft that reaches nobody (no message, no status line, no /lacak, nothing
public) until the head approves it, as written or edited; or the head returns it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.models import User
from notify.models import OutboxMessage
from partners.demo import HEAD_EMAIL
from tests.agents.conftest import pokja_named, reload, user_named
from tickets import followup, sla
from tickets.clock import utcnow
from tickets.errors import IllegalTransition, NotFound, PermissionDenied
from tickets.models import (
    AnswerDraft,
    ApprovalSettingChange,
    DraftState,
    Role,
    Status,
    Ticket,
    TicketEvent,
)
from tickets.services import status_report

TZ = "Asia/Jakarta"
DRAFT = "Atap ruang kelas SD Negeri 3 akan diperbaiki pekan depan oleh Dinas Pendidikan."
EDITED = "Atap ruang kelas SD Negeri 3 diperbaiki mulai Senin, 14 Desember, oleh Dinas Pendidikan."


@pytest.fixture
def school_ticket(make_ticket: Callable[..., Ticket]) -> Ticket:
    return make_ticket(Status.FORWARDED, code="DISDIK",
                       description="Atap ruang kelas SD Negeri 3 bocor.")


def _reporter_messages(db: Session, ticket: Ticket) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.scalars(select(OutboxMessage).where(
        OutboxMessage.ticket_id == ticket.id,
        OutboxMessage.recipient == ticket.reporter_phone,
        OutboxMessage.event.like("answered%"))))


def _lacak(app, number: str) -> str:  # type: ignore[no-untyped-def]
    # The public tracking form carries no CSRF token (it changes nothing; rate-limited).
    return app.test_client().post("/lacak", data={"nomor": number, "hp": "7890"}).get_data(
        as_text=True)


def test_the_pokjas_answer_waits_for_the_head_and_reaches_no_one_before_approval(
        app, db, pokja3, head, supervisor, school_ticket):
    number = school_ticket.number
    page = pokja3.get(f"/console/tiket/{number}").get_data(as_text=True)
    assert "Ajukan ke pimpinan OPD untuk disetujui" in page
    response = pokja3.post(f"/console/tiket/{number}/jawab", {"answer": DRAFT})
    assert response.status_code == 302

    ticket = reload(db, school_ticket)
    assert ticket.status is Status.IN_PROGRESS
    draft = followup.pending_draft(db, ticket)
    assert draft is not None and draft.text == DRAFT
    # No message, no status line, no /lacak, not publishable.
    assert _reporter_messages(db, ticket) == []
    report = status_report(db, number)
    assert report.answer is None and report.status is not Status.ANSWERED
    assert DRAFT not in _lacak(app, number)
    refused = supervisor.post(f"/console/tiket/{number}/publikasikan",
                              {"public_summary": "Atap sekolah bocor.", "address": ""})
    assert refused.status_code == 422
    assert app.test_client().get(f"/jawaban/{number}").status_code == 404
    # The pokja cannot send it another way while it waits.
    assert "Menunggu persetujuan pimpinan OPD" in pokja3.get(
        f"/console/tiket/{number}").get_data(as_text=True)
    again = pokja3.post(f"/console/tiket/{number}/jawab", {"answer": "Lain"},
                        follow_redirects=True)
    assert "menunggu persetujuan pimpinan" in again.get_data(as_text=True)
    # The head is told by e-mail, with the draft (the ticket is not rahasia).
    mail = db.scalars(select(OutboxMessage).where(OutboxMessage.recipient == HEAD_EMAIL)).one()
    assert number in (mail.subject or "") and DRAFT in mail.body

    queue = head.get("/console/persetujuan").get_data(as_text=True)
    assert number in queue and "Terlambat" not in queue
    response = head.post(f"/console/tiket/{number}/setujui", {"answer": EDITED})
    assert response.status_code == 302 and response.location.endswith("/console/persetujuan")

    ticket = reload(db, school_ticket)
    assert ticket.status is Status.ANSWERED and ticket.answer == EDITED
    assert [m.channel for m in _reporter_messages(db, ticket)] == ["sms"]
    assert status_report(db, number, phone=ticket.reporter_phone).answer == EDITED
    draft = db.get(AnswerDraft, draft.id)
    assert draft is not None and draft.state is DraftState.APPROVED
    assert draft.approved_text == EDITED
    notes = [e.note for e in ticket.events]
    assert "Jawaban diajukan untuk persetujuan pimpinan OPD." in notes
    assert "Jawaban disunting dan disetujui pimpinan OPD." in notes
    assert "Tidak ada jawaban yang menunggu" in head.get("/console/persetujuan").get_data(
        as_text=True) or number not in head.get("/console/persetujuan").get_data(as_text=True)


def test_the_head_returns_a_draft_with_a_note_and_the_pokja_answers_again(
        db, pokja3, head, school_ticket):
    number = school_ticket.number
    pokja3.post(f"/console/tiket/{number}/jawab", {"answer": DRAFT})
    empty = head.post(f"/console/tiket/{number}/kembalikan-draf", {"note": " "})
    assert empty.status_code == 422 and "Tuliskan catatan untuk pokja." in empty.get_data(
        as_text=True)
    head.post(f"/console/tiket/{number}/kembalikan-draf",
              {"note": "Sebutkan tanggal mulai perbaikan."})
    ticket = reload(db, school_ticket)
    assert ticket.status is Status.IN_PROGRESS and followup.pending_draft(db, ticket) is None
    page = pokja3.get(f"/console/tiket/{number}").get_data(as_text=True)
    assert "Draf jawaban dikembalikan pimpinan OPD: Sebutkan tanggal mulai perbaikan." in page
    # The pokja's own address hears of the return.
    assert db.scalars(select(OutboxMessage).where(
        OutboxMessage.event.like("draft-returned%"),
        OutboxMessage.recipient == pokja_named(db, "DISDIK").email)).one()
    pokja3.post(f"/console/tiket/{number}/jawab", {"answer": EDITED})
    head.post(f"/console/tiket/{number}/setujui", {"answer": EDITED})
    ticket = reload(db, school_ticket)
    assert ticket.status is Status.ANSWERED and ticket.answer == EDITED
    states = [d.state for d in db.scalars(select(AnswerDraft).where(
        AnswerDraft.ticket_id == ticket.id).order_by(AnswerDraft.id))]
    assert states == [DraftState.RETURNED, DraftState.APPROVED]


def test_only_the_agencys_head_approves(db, pokja3, supervisor, school_ticket):
    number = school_ticket.number
    pokja3.post(f"/console/tiket/{number}/jawab", {"answer": DRAFT})
    ticket = reload(db, school_ticket)
    for username in ("pokja3", "supervisor"):
        with pytest.raises(PermissionDenied):
            followup.approve(db, user_named(db, "pokja3" if username == "pokja3"
                                            else "supervisor"), number, None,
                             version=None, tz=TZ)
        db.rollback()
    other = User(username="kadis.pupr", full_name="Kepala Dinas PUPR", password_hash="x",
                 role=Role.HEAD, pokja_id=pokja_named(db, "PUPR").id)
    db.add(other)
    db.commit()
    with pytest.raises(NotFound):  # another agency's ticket is as if missing (issue 19)
        followup.approve(db, other, number, None, version=None, tz=TZ)
    db.rollback()
    assert pokja3.post(f"/console/tiket/{number}/setujui", {}).status_code == 403
    assert reload(db, ticket).status is Status.IN_PROGRESS


def test_the_head_answers_directly_and_sees_every_ticket_of_the_agency_with_the_overdue(
        db, head, make_ticket, school_ticket):
    late = make_ticket(Status.FORWARDED, code="DISDIK")
    late.followup_due_at = utcnow() - timedelta(days=2)
    elsewhere = make_ticket(Status.FORWARDED, code="PUPR")
    db.commit()
    inbox = head.get("/console/kotak-masuk").get_data(as_text=True)
    assert school_ticket.number in inbox and late.number in inbox
    assert elsewhere.number not in inbox and "Terlambat" in inbox
    assert head.get(f"/console/tiket/{elsewhere.number}").status_code == 404
    head.post(f"/console/tiket/{school_ticket.number}/jawab", {"answer": EDITED})
    ticket = reload(db, school_ticket)
    assert ticket.status is Status.ANSWERED and ticket.answer == EDITED
    assert "Jawaban tindak lanjut dikirim oleh pimpinan OPD." in [e.note for e in ticket.events]


def test_the_follow_up_clock_counts_the_time_waiting_for_approval(db, school_ticket):
    ticket = reload(db, school_ticket)
    ticket.forwarded_at = utcnow() - timedelta(days=9)
    ticket.followup_due_at = sla.due_after(ticket.forwarded_at, sla.FOLLOWUP_DAYS, TZ)
    db.commit()
    followup.answer(db, user_named(db, "pokja3"), ticket.number, DRAFT, version=None, tz=TZ)
    draft = followup.pending_draft(db, ticket)
    assert draft is not None
    draft.submitted_at = utcnow() - timedelta(days=8)
    db.commit()
    # Submitted long ago, still waiting: overdue in the head's queue and for the pokja.
    assert reload(db, ticket).followup_due_at < utcnow()
    followup.approve(db, user_named(db, "pimpinan"), ticket.number, None, version=None, tz=TZ)
    db.commit()
    ticket = reload(db, ticket)
    assert ticket.answered_at is not None and ticket.answered_at > draft.submitted_at
    assert ticket.answer_work_seconds == sla.work_seconds(ticket.forwarded_at,
                                                          ticket.answered_at, TZ)


def test_the_overdue_draft_shows_late_in_the_heads_queue(db, head, pokja3, school_ticket):
    pokja3.post(f"/console/tiket/{school_ticket.number}/jawab", {"answer": DRAFT})
    ticket = reload(db, school_ticket)
    ticket.followup_due_at = utcnow() - timedelta(hours=1)
    db.commit()
    queue = head.get("/console/persetujuan").get_data(as_text=True)
    assert school_ticket.number in queue and "Terlambat" in queue


def test_a_return_or_approval_without_a_waiting_draft_is_refused(db, school_ticket):
    with pytest.raises(IllegalTransition):
        followup.approve(db, user_named(db, "pimpinan"), school_ticket.number, None,
                         version=None, tz=TZ)


def test_the_admin_turns_approval_on_and_off_and_the_history_is_kept(db, admin, pokja):
    pupr = pokja_named(db, "PUPR")
    form = {"pokja_id": str(pupr.id), "code": "PUPR", "name": pupr.name,
            "email": pupr.email or "", "whatsapp": "", "active": "1"}
    admin.post("/console/admin/pokja", {**form, "approval_required": "1"})
    db.expire_all()
    assert pokja_named(db, "PUPR").approval_required is True
    admin.post("/console/admin/pokja", form)
    db.expire_all()
    assert pokja_named(db, "PUPR").approval_required is False
    changes = db.scalars(select(ApprovalSettingChange).where(
        ApprovalSettingChange.pokja_id == pupr.id).order_by(ApprovalSettingChange.id)).all()
    assert [c.approval_required for c in changes] == [True, False]
    assert {c.changed_by_label for c in changes} == {"Admin Diskominfo"}
    page = admin.get("/console/admin/pokja").get_data(as_text=True)
    assert "Riwayat persetujuan pimpinan" in page


def test_a_head_must_belong_to_one_agency(db, admin):
    response = admin.post("/console/admin/pengguna", {
        "action": "baru", "username": "kadis", "full_name": "Kepala Dinas",
        "password": "kata-sandi-panjang-sekali", "role": "pimpinan_opd", "pokja_id": ""})
    assert response.status_code == 422
    assert db.scalar(select(User).where(User.username == "kadis")) is None


def test_the_heads_daily_digest_lists_waiting_drafts_once_a_day(app, db, pokja3,
                                                               school_ticket):
    pokja3.post(f"/console/tiket/{school_ticket.number}/jawab", {"answer": DRAFT})
    composer = app.extensions["hotline"].composer
    assert composer.head_digest(db) == 1
    assert composer.head_digest(db) == 0
    db.commit()
    mail = db.scalars(select(OutboxMessage).where(OutboxMessage.event == "head-digest")).one()
    assert mail.recipient == HEAD_EMAIL and school_ticket.number in mail.body


def test_history_of_the_draft_is_shared_with_the_pokja_not_hidden(db, pokja3, head,
                                                                school_ticket):
    pokja3.post(f"/console/tiket/{school_ticket.number}/jawab", {"answer": DRAFT})
    events = db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == school_ticket.id,
                                                  TicketEvent.kind == "approval")).all()
    assert events and all(e.shared_with_pokja_id == pokja_named(db, "DISDIK").id
                          for e in events)
