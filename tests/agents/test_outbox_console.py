"""The outbox in the console: what each role sees of a ticket's messages, the outbox page,
sending again, and the users' e-mail addresses."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from agents import outbox_rows
from notify import services as notify_services
from notify.models import OutboxMessage, OutboxStatus
from tests.agents.conftest import user_named
from tickets.clock import utcnow
from tickets.models import Status, TicketEvent

CALLER = "+6281234567890"
OS = OutboxStatus


def rows(db, **where: object) -> list[OutboxMessage]:
    db.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    for key, value in where.items():
        query = query.where(getattr(OutboxMessage, key) == value)
    return list(db.scalars(query))


def panel(page: str) -> str:
    """The ticket page's "Pesan terkirim" section only."""
    found = re.search(r'<section class="card" id="pesan">(.*?)</section>', page, re.S)
    assert found, "no messages panel"
    return found.group(1)


def add_row(db, *, status: OutboxStatus, channel: str = "sms", recipient: str = CALLER,
            ticket_id: int | None = None, note: str | None = None, key: str) -> OutboxMessage:
    # A pending row is enqueued at commit (eager in tests): make it not yet due.
    now = utcnow()
    due = now + timedelta(hours=1) if status is OS.PENDING else now
    row = OutboxMessage(channel=channel, recipient=recipient, body="Uji", event="forwarded",
                        idempotency_key=key, ticket_id=ticket_id, status=status, attempts=1,
                        last_error=note, next_attempt_at=due, created_at=now)
    db.add(row)
    db.commit()
    return row


# --- the embedded default: no Twilio, no SMTP -----------------------------------------------

def test_a_held_message_shows_as_ditahan_on_the_ticket_page(operator, make_ticket, db):
    ticket = make_ticket(Status.FORWARDED)
    assert {(r.channel, r.status) for r in rows(db)} == {("sms", OS.HELD), ("email", OS.HELD)}
    section = panel(operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True))
    assert "ditahan: belum dikonfigurasi" in section
    assert "Twilio belum dikonfigurasi" in section and "SMTP belum dikonfigurasi" in section
    assert "SMS" in section and CALLER in section and "Diteruskan ke pokja" in section
    assert "Kirim ulang" not in section  # operators look; supervisors decide


def test_the_outbox_page_counts_held_messages_by_reason(supervisor, make_ticket):
    make_ticket(Status.FORWARDED)
    make_ticket(Status.FORWARDED)
    page = supervisor.get("/console/pesan").get_data(as_text=True)
    assert "Twilio belum dikonfigurasi (2 pesan)" in page
    assert "SMTP belum dikonfigurasi (2 pesan)" in page
    assert page.count("Kirim ulang") == 4


def test_only_supervisors_and_the_admin_open_the_outbox_page(operator, pokja, admin,
                                                             supervisor):
    assert operator.get("/console/pesan").status_code == 403
    assert pokja.get("/console/pesan").status_code == 403
    assert admin.get("/console/pesan").status_code == 200
    assert 'href="/console/pesan"' in supervisor.get("/console/antrean").get_data(as_text=True)
    assert 'href="/console/pesan"' not in operator.get("/console/antrean").get_data(as_text=True)


def test_failed_messages_come_first_and_every_message_appears_once_across_pages(
        supervisor, db, make_ticket):
    ticket = make_ticket(Status.AWAITING_VERIFICATION)
    statuses = [OS.SENT, OS.FAILED, OS.SENT, OS.DEAD, OS.PENDING, OS.HELD, OS.SENT]
    made = [add_row(db, status=s, ticket_id=ticket.id, key=f"k{i}")
            for i, s in enumerate(statuses)]
    agent = user_named(db, "supervisor")
    seen, after = [], None
    while True:
        page = outbox_rows.list_messages(db, agent, outbox_rows.MessageFilters(), after=after,
                                          limit=2)
        seen += page.messages
        if not (after := page.next_cursor):
            break
    assert sorted(m.id for m in seen) == sorted(r.id for r in made)
    assert [m.status for m in seen[:3]] == [OS.HELD, OS.DEAD, OS.FAILED]
    response = supervisor.get("/console/pesan?status=dead&channel=sms")
    assert response.status_code == 200
    assert re.findall(r'id="pesan-(\d+)"', response.get_data(as_text=True)) == [str(made[3].id)]
    assert supervisor.get("/console/pesan?status=bogus").status_code == 422
    assert supervisor.get("/console/pesan?after=x:1").status_code == 422


def test_the_admin_sees_an_anonim_callers_number_masked_even_in_the_error(admin, db,
                                                                         make_ticket):
    ticket = make_ticket(Status.AWAITING_VERIFICATION, anonim=True)
    add_row(db, status=OS.FAILED, ticket_id=ticket.id, key="anon",
            note=f"Twilio 400 kode 21211: The 'To' number {CALLER} is not a valid phone number.")
    page = admin.get("/console/pesan").get_data(as_text=True)
    assert "kode 21211" in page and outbox_rows.MASKED in page
    assert "6281234567890" not in page


# --- a pokja user ---------------------------------------------------------------------------

def test_a_pokja_user_sees_only_their_own_pokjas_messages(pokja, make_ticket):
    ticket = make_ticket(Status.FORWARDED)
    section = panel(pokja.get(f"/console/tiket/{ticket.number}").get_data(as_text=True))
    assert "pupr@pemkab.example.id" in section
    assert "SMS" not in section and "6281234567890" not in section
    assert "Kirim ulang" not in section


def test_an_anonim_callers_number_never_reaches_the_pokja_page(pokja, make_ticket):
    ticket = make_ticket(Status.FORWARDED, anonim=True)
    page = pokja.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "6281234567890" not in page and "pupr@pemkab.example.id" in page


def test_a_pokja_user_cannot_retry_anything_with_a_crafted_post(pokja, make_ticket, db):
    ticket = make_ticket(Status.FORWARDED)
    for row in rows(db):
        response = pokja.post(f"/console/pesan/{row.id}/kirim-ulang")
        assert response.status_code == 403
    assert {r.status for r in rows(db)} == {OS.HELD}
    assert not db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                    TicketEvent.kind == "message")).all()


def test_an_operator_cannot_retry_either(operator, make_ticket, db):
    make_ticket(Status.FORWARDED)
    sms = rows(db, channel="sms")[0]
    assert operator.post(f"/console/pesan/{sms.id}/kirim-ulang").status_code == 403
    assert rows(db, id=sms.id)[0].status is OS.HELD


def test_retry_needs_the_csrf_token(supervisor, make_ticket, db):
    make_ticket(Status.FORWARDED)
    sms = rows(db, channel="sms")[0]
    response = supervisor.post(f"/console/pesan/{sms.id}/kirim-ulang", csrf=False)
    assert response.status_code == 400
    assert rows(db, id=sms.id)[0].status is OS.HELD


def test_a_message_that_went_out_cannot_be_sent_again(supervisor, make_ticket, db):
    ticket = make_ticket(Status.AWAITING_VERIFICATION)
    row = add_row(db, status=OS.SENT, ticket_id=ticket.id, key="sent")
    response = supervisor.post(f"/console/pesan/{row.id}/kirim-ulang", follow_redirects=True)
    assert "hanya pesan yang gagal atau ditahan" in response.get_data(as_text=True)
    assert rows(db, id=row.id)[0].status is OS.SENT
    assert supervisor.post("/console/pesan/999999/kirim-ulang").status_code == 404


# --- with the loopback Twilio peer: a permanent provider error --------------------------------


class TestAPermanentProviderError:
    @pytest.fixture
    def env_overrides(self, twilio) -> dict[str, str]:
        return {"TWILIO_API_BASE": twilio.base_url, "TWILIO_SMS_FROM": "+62215550100"}

    def test_it_shows_on_the_outbox_and_ticket_pages_with_a_nav_badge(
            self, supervisor, twilio, make_ticket, db):
        twilio.reject(CALLER, code=21211)
        ticket = make_ticket(Status.FORWARDED)
        (sms,) = rows(db, channel="sms")
        assert sms.status is OS.FAILED and sms.attempts == 1
        page = supervisor.get("/console/pesan").get_data(as_text=True)
        assert re.search(r'Pesan <span class="badge late"[^>]*>1</span>', page)
        assert "gagal permanen" in page and "kode 21211" in page
        section = panel(supervisor.get(f"/console/tiket/{ticket.number}").get_data(as_text=True))
        assert "gagal permanen" in section and "kode 21211" in section
        assert "Kirim ulang" in section

    def test_a_supervisor_retry_puts_it_back_in_the_queue_and_is_audited(
            self, supervisor, twilio, make_ticket, db):
        twilio.reject(CALLER, code=21211)
        ticket = make_ticket(Status.FORWARDED)
        (sms,) = rows(db, channel="sms")
        twilio.rejected.clear()
        twilio.fail_next(1, status=503)  # the retry meets a passing outage: back to waiting
        response = supervisor.post(f"/console/pesan/{sms.id}/kirim-ulang",
                                   {"next": f"/console/tiket/{ticket.number}"})
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/console/tiket/{ticket.number}")
        (sms,) = rows(db, channel="sms")
        assert sms.status is OS.PENDING and sms.attempts == 2
        assert sms.next_attempt_at > utcnow()  # backoff, then the countdown task or sweep
        event = db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                     TicketEvent.kind == "message")).one()
        assert event.internal and event.actor_label == "Pimpinan"
        assert "dikirim ulang" in event.note and "gagal permanen" in event.note
        page = supervisor.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
        assert "menunggu" in panel(page) and "dikirim ulang" in page

    def test_a_retry_after_the_cause_is_fixed_delivers_it(self, supervisor, twilio,
                                                          make_ticket, db):
        twilio.reject(CALLER, code=21211)
        make_ticket(Status.FORWARDED)
        (sms,) = rows(db, channel="sms")
        twilio.rejected.clear()
        supervisor.post(f"/console/pesan/{sms.id}/kirim-ulang")
        assert rows(db, channel="sms")[0].status is OS.SENT
        assert len(twilio.sent(to=CALLER)) == 1


# --- users' e-mail --------------------------------------------------------------------------

def test_the_admin_saves_a_users_email_and_a_malformed_one_is_refused(admin, db):
    target = user_named(db, "supervisor")
    form = {"action": "ubah", "user_id": str(target.id), "role": "supervisor", "active": "1"}
    response = admin.post("/console/admin/pengguna", {**form, "email": "pimpinan@contoh"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="err-email">Alamat email tidak valid.' in page
    assert 'value="pimpinan@contoh"' in page
    db.expire_all()
    assert user_named(db, "supervisor").email is None
    response = admin.post("/console/admin/pengguna",
                          {**form, "email": " pimpinan@pemkab.example.id "})
    assert response.status_code == 302
    db.expire_all()
    assert user_named(db, "supervisor").email == "pimpinan@pemkab.example.id"
    page = admin.get("/console/admin/pengguna").get_data(as_text=True)
    assert 'value="pimpinan@pemkab.example.id"' in page


def test_a_new_pokja_user_gets_an_email_that_pokja_alerts_then_use(admin, db):
    pokja_id = user_named(db, "pokja").pokja_id
    base = {"action": "baru", "username": "pupr2", "full_name": "Staf PUPR",
            "password": "rahasia-pupr", "role": "pokja", "pokja_id": str(pokja_id)}
    response = admin.post("/console/admin/pengguna", {**base, "email": "bukan alamat"})
    assert 'id="err-email">Alamat email tidak valid.' in response.get_data(as_text=True)
    response = admin.post("/console/admin/pengguna", {**base, "email": "staf@pupr.example.id"})
    assert response.status_code == 302
    assert user_named(db, "pupr2").email == "staf@pupr.example.id"
    assert "staf@pupr.example.id" in notify_services.pokja_addresses(db, pokja_id)
