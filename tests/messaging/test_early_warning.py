"""A complaint sent by WhatsApp is read by the early warning like a transcript."""

from __future__ import annotations

from sqlalchemy import select

from devtools.chat_simulator import ticket_number
from notify.models import OutboxMessage
from tickets.models import Ticket


def test_a_whatsapp_complaint_about_a_fire_alerts_the_disaster_group(citizen, db):
    chat = citizen(whatsapp=True)
    for message in ("Halo", "1", "1", "2",
                    "Ada kebakaran rumah warga di desa Lapeo, tolong segera"):
        assert chat.send(message).status == 200
    number = ticket_number(chat.send("SELESAI").replies)
    db.expire_all()
    ticket = db.scalars(select(Ticket).where(Ticket.number == number)).one()
    rows = db.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id,
                                                  OutboxMessage.event == "early_warning")).all()
    assert rows and "pesan pelapor" in rows[0].body
    assert ticket.location == "Desa/Kel. Lapeo, Kecamatan Campalagian"
