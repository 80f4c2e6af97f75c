"""The demo's escalation ladder and trusted reporter (``hotline seed-demo``, ``make run``).

``seed`` gives the demo's agency head and regent's office their e-mail addresses and
registers a ketua RT; ``seed_samples`` (the CLI only: the tests seed the demo often and
count tickets) adds a PUPR ticket long past its deadline, escalated to the head and the
leadership, and a complaint phoned in by the ketua RT.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.models import User
from analytics.places import desa_list
from escalation import services
from reporters.models import ReporterRole, TrustedReporter
from tickets.clock import utcnow
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Category, Channel, Pokja, Status, Ticket
from tickets.services import create_ticket

EMAILS = {"kepala_pupr": "kepala.pupr@pemkab.example.id",
          "bupati": "bupati@pemkab.example.id"}
# WhatsApp numbers of the head and the regent, given by ``seed_samples`` only (the tests'
# demo has e-mail alone, so their message counts stay as they are).
WHATSAPP = {"kepala_pupr": "+6281200000311", "bupati": "+6281200000312"}
RT_PHONE = "+6281200000301"
RT_DESA = "Matakali"
TZ = "Asia/Makassar"


def seed(session: Session) -> None:
    for username, email in EMAILS.items():
        found = session.scalar(select(User).where(User.username == username))
        if found is not None and not found.email:
            found.email = email
    if session.scalar(select(TrustedReporter.id).limit(1)) is None:
        # The desa from the demo gazetteer (seeded before this by analytics.demo).
        desa = next((d for d in desa_list(session) if d.name == RT_DESA), None)
        session.add(TrustedReporter(phone=RT_PHONE, name="Pak Hasan", role=ReporterRole.KETUA_RT,
                                    desa=RT_DESA, place=desa, rt="003", rw="002", active=True,
                                    created_at=utcnow()))
    session.flush()


def seed_samples(session: Session, now: datetime | None = None) -> list[str]:
    """The sample tickets, once; their numbers (empty when already there)."""
    now = now or utcnow()
    if session.scalar(select(Ticket.id).where(Ticket.reporter_phone == RT_PHONE)) is not None:
        return []
    for username, number in WHATSAPP.items():
        found = session.scalar(select(User).where(User.username == username))
        if found is not None and not found.whatsapp:
            found.whatsapp = number
    pupr = session.scalar(select(Category).join(Pokja).where(Pokja.code == "PUPR"))
    late = create_ticket(session, channel=Channel.WALK_IN, actor=SYSTEM, tz=TZ, category=pupr,
                         reporter_name="Ibu Rahmawati", reporter_phone="+6281200000302",
                         location="Jalan poros Polewali-Mamuju km 12",
                         description="Jembatan kayu di jalan poros rusak, papan lantainya "
                                     "lepas dan membahayakan pengendara motor.")
    late.created_at = now - timedelta(days=30)
    transition(session, late, Status.FORWARDED, SYSTEM, tz=TZ)
    late.forwarded_at = now - timedelta(days=30)
    late.followup_due_at = now - timedelta(days=21)  # well past both rungs
    session.flush()
    services.run(session, services.Policy(TZ, None, "Pemerintah Kabupaten Demo"), now)
    rt = create_ticket(session, channel=Channel.PHONE_AGENT, actor=SYSTEM, tz=TZ,
                       category=pupr, reporter_phone=RT_PHONE,
                       description="Banjir setinggi lutut di lingkungan kami sejak subuh, "
                                   "saluran air tersumbat sampah.")
    session.flush()
    return [late.number, rt.number]
