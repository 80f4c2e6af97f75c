"""A trusted reporter who writes on WhatsApp is recognised like one who calls."""

from __future__ import annotations

from sqlalchemy import select

from devtools.chat_simulator import ticket_number
from reporters import services
from reporters.models import TrustedReport
from tests.agents.conftest import user_named
from tests.messaging.conftest import citizen, media_peer  # noqa: F401  (fixtures)
from tests.reporters.conftest import desa_named
from tickets.models import Ticket


def test_a_whatsapp_complaint_from_a_trusted_number_is_marked(db, citizen):  # noqa: F811
    services.register(db, user_named(db, "admin"), services.ReporterForm(
        phone="0813-4567-8901", name="Pak Darman", role="linmas",
        desa_id=desa_named(db, "Lantora"), rw="5"))
    db.commit()
    chat = citizen(whatsapp=True, from_number="+6281345678901")
    for message in ("1", "1", "2", "Pohon tumbang menutup jalan desa sejak semalam."):
        assert chat.send(message).status == 200
    number = ticket_number(chat.send("SELESAI").replies)
    db.expire_all()
    ticket = db.scalars(select(Ticket).where(Ticket.number == number)).one()
    report = db.scalars(select(TrustedReport)).one()
    area = "RW 005, Desa/Kel. Lantora, Kecamatan Polewali"
    assert report.ticket_id == ticket.id and report.area == area
    assert report.desa_id == desa_named(db, "Lantora") and ticket.location == area
