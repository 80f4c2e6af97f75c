"""Desk intake: the receipt to read back, "Simpan dan teruskan" in one step, and a refused
form that keeps what was typed."""

from __future__ import annotations

from sqlalchemy import func, select

from notify.models import OutboxMessage
from tests.agents.conftest import pokja_named
from tickets.models import Channel, Status, Ticket, TicketEvent

WALK_IN = {"channel": "walk_in", "reporter_name": "Siti", "reporter_phone": "0812-3456-789",
           "location": "Desa Sukamaju", "description": "Lampu jalan mati sejak seminggu."}


def _tickets(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Ticket)) or 0


def _newest(db) -> Ticket:
    db.expire_all()
    return db.scalars(select(Ticket).order_by(Ticket.id.desc())).first()  # type: ignore[return-value]


def test_simpan_files_for_verification_and_shows_the_number_and_phone_to_read_back(
        operator, db):
    response = operator.post("/console/pengaduan-baru", {**WALK_IN, "action": "simpan"})
    ticket = _newest(db)
    assert ticket.status is Status.AWAITING_VERIFICATION and ticket.channel is Channel.WALK_IN
    assert response.status_code == 302
    assert response.headers["Location"] == f"/console/pengaduan-baru/{ticket.number}"
    receipt = operator.get(response.headers["Location"]).get_data(as_text=True)
    assert f'id="receipt-number">{ticket.number[:4]} {ticket.number[4:]}<' in receipt
    # The number as it was stored (E.164), in the form the operator reads it back.
    assert 'id="receipt-phone">0812-3456-789<' in receipt and "+628123456789" in receipt
    assert "Menunggu verifikasi di antrean." in receipt
    assert [e.kind for e in ticket.events] == ["created"]


def test_simpan_dan_teruskan_files_and_forwards_in_one_step(operator, pokja, db):
    pupr = pokja_named(db, "PUPR")
    response = operator.post("/console/pengaduan-baru", {
        **WALK_IN, "pokja_id": str(pupr.id), "note": "Tiang lampu di depan balai desa.",
        "action": "teruskan"})
    assert response.status_code == 302
    ticket = _newest(db)
    assert ticket.status is Status.FORWARDED and ticket.pokja_id == pupr.id
    assert ticket.followup_due_at is not None
    trail = list(db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                            .order_by(TicketEvent.id)))
    assert [(e.kind, e.to_status) for e in trail] == [
        ("created", "awaiting_verification"), ("transition", "forwarded")]
    assert trail[-1].note == "Tiang lampu di depan balai desa."
    assert trail[-1].actor_label == "Operator Call Center"
    # The forward's notifications: the reporter's SMS and the pokja's alert.
    sent = {(m.channel, m.event) for m in db.scalars(
        select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id))}
    assert ("sms", "forwarded") in sent and ("email", "forwarded") in sent
    receipt = operator.get(response.headers["Location"]).get_data(as_text=True)
    assert "diteruskan ke Pokja Infrastruktur" in receipt
    # The pokja has it, with the forwarding note.
    page = pokja.get(f"/console/tiket/{ticket.number}")
    assert page.status_code == 200
    assert "Tiang lampu di depan balai desa." in page.get_data(as_text=True)


def test_simpan_dan_teruskan_without_a_pokja_is_refused_and_nothing_is_lost(operator, db):
    before = _tickets(db)
    response = operator.post("/console/pengaduan-baru", {**WALK_IN, "action": "teruskan"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="err-pokja_id">Pilih pokja tujuan sebelum meneruskan.' in page
    assert 'value="Siti"' in page and 'value="0812-3456-789"' in page
    assert "Lampu jalan mati sejak seminggu." in page
    assert _tickets(db) == before


def test_an_invalid_phone_is_refused_beside_the_field_and_the_form_is_kept(operator, db):
    pupr = pokja_named(db, "PUPR")
    before = _tickets(db)
    response = operator.post("/console/pengaduan-baru", {
        **WALK_IN, "reporter_phone": "0812-34", "pokja_id": str(pupr.id),
        "note": "Segera.", "anonim": "1", "action": "teruskan"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="err-reporter_phone">Nomor telepon tidak valid.' in page
    assert 'value="0812-34"' in page and 'value="Segera."' in page
    assert f'<option value="{pupr.id}" selected>' in page
    assert 'name="anonim" value="1" checked' in page
    assert _tickets(db) == before


def test_an_anonim_desk_complaint_naming_the_reporter_is_not_forwarded(operator, db):
    pupr = pokja_named(db, "PUPR")
    before = _tickets(db)
    response = operator.post("/console/pengaduan-baru", {
        **WALK_IN, "reporter_name": "Siti Aminah", "anonim": "1", "pokja_id": str(pupr.id),
        "description": "Siti Aminah melaporkan lampu jalan mati.", "action": "teruskan"})
    assert response.status_code == 422
    assert 'id="err-description">Tiket anonim: uraian masih menyebut nama pelapor.' in (
        response.get_data(as_text=True))
    assert _tickets(db) == before


def test_the_pokja_chosen_at_the_desk_is_kept_by_a_plain_simpan(operator, db):
    dinkes = pokja_named(db, "DINKES")
    operator.post("/console/pengaduan-baru", {**WALK_IN, "pokja_id": str(dinkes.id)})
    ticket = _newest(db)
    assert ticket.status is Status.AWAITING_VERIFICATION and ticket.pokja_id == dinkes.id
