"""The demo's approval flow and partner institutions (``hotline seed-demo``, ``make run``):
the education agency (DISDIK) answers only with its head's approval, and two partner
institutions may be asked by the infrastructure and education pokja."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.models import User
from partners.models import Partner, PartnerPokja
from tickets.models import ApprovalSettingChange, Pokja

APPROVAL_POKJA = "DISDIK"
HEAD_EMAIL = "kadis.pendidikan@pemkab.example.id"
# (name, e-mail, WhatsApp, pokja codes that may ask it)
DEMO_PARTNERS = (
    ("PLN UP3 Polewali (demo)", "pengaduan.up3@pln.example.id", "+6281200000201",
     ("PUPR", "DISDIK")),
    ("PDAM Tirta Manakarra (demo)", "layanan@pdam.example.id", None, ("PUPR", "DINKES")),
)


def seed(session: Session) -> None:
    """Once: approval on for DISDIK (with its history), the head's e-mail, the partners."""
    pokja = {p.code: p for p in session.scalars(select(Pokja))}
    agency = pokja.get(APPROVAL_POKJA)
    if agency is None or session.scalar(select(Partner.id).limit(1)) is not None:
        return
    agency.approval_required = True
    session.add(ApprovalSettingChange(pokja_id=agency.id, approval_required=True,
                                      changed_by_label="sistem (data demo)"))
    head = session.scalar(select(User).where(User.username == "pimpinan"))
    if head is not None:
        head.email = HEAD_EMAIL
    for name, email, whatsapp, codes in DEMO_PARTNERS:
        partner = Partner(name=name, email=email, whatsapp=whatsapp)
        session.add(partner)
        session.flush()
        session.add_all(PartnerPokja(partner_id=partner.id, pokja_id=pokja[c].id)
                        for c in codes if c in pokja)
    session.flush()
