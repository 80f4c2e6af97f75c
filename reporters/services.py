"""Trusted reporters: the admin's registry, the intake's lookup, the supervisor's counts.

A ticket filed from a registered, active number (a call or a message: every new ticket
announces itself as :class:`tickets.events.ComplaintText` ``pengaduan``) is marked with
a ``trusted_reports`` row holding the area as it was then, gets that area as its
location when the reporter did not say one, and is placed in the reporter's desa and its
kecamatan (``analytics.places.write_place``, source ``pelapor_rt``) when they have one.
Deactivating a reporter stops the marking; the rows of their earlier reports stay.

A reporter's desa/kelurahan is chosen from the gazetteer (``analytics.places``) and
stored as a reference, so the per-desa counts do not split over three spellings of one
village. Reporters typed before that choice were matched to the gazetteer by migration
0026; those it could not match keep their text, shown as "perlu dipilih ulang" until the
admin chooses their desa (which also files their earlier reports under it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from analytics import places
from analytics.models import Place, PlaceKind
from reporters.models import (
    ACTIVATED,
    ADDED,
    DEACTIVATED,
    EDITED,
    ReporterChange,
    ReporterRole,
    TrustedReport,
    TrustedReporter,
)
from tickets.clock import utcnow
from tickets.contacts import phone_field
from tickets.db import insert_ignore
from tickets.errors import InvalidInput, NotFound
from tickets.events import ComplaintText
from tickets.lifecycle import SYSTEM, Principal, record_event
from tickets.models import Role, Ticket
from tickets.permissions import require_role


@dataclass(frozen=True)
class ReporterForm:
    phone: str
    name: str
    role: str
    desa_id: int | None  # a desa/kelurahan of the gazetteer
    rt: str = ""
    rw: str = ""


def _rt_rw(raw: str, field: str) -> str | None:
    text = raw.strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 3:
        raise InvalidInput(field, "RT/RW berupa angka, paling banyak 3 digit (contoh: 003).")
    return text.zfill(3)


@dataclass(frozen=True)
class _Checked:
    phone: str
    name: str
    role: ReporterRole
    desa: Place
    rt: str | None
    rw: str | None


def _desa(session: Session, desa_id: int | None, current: int | None = None) -> Place:
    """A desa/kelurahan of the gazetteer; an inactive one only when it is already the
    reporter's (the admin took it off the list after they were registered)."""
    if desa_id is None:
        raise InvalidInput("desa_id", "Pilih desa/kelurahan dari daftar wilayah.")
    place = session.get(Place, desa_id)
    if place is None or place.kind is not PlaceKind.DESA or (
            not place.active and desa_id != current):
        raise InvalidInput("desa_id", "Desa/kelurahan tidak dikenal; pilih dari daftar "
                           "wilayah.")
    return place


def _check(session: Session, f: ReporterForm, current: int | None = None) -> _Checked:
    phone = phone_field(f.phone, "phone")
    if phone is None:
        raise InvalidInput("phone", "Nomor telepon wajib diisi.")
    name = " ".join(f.name.split())
    if not name or len(name) > 200:
        raise InvalidInput("name", "Nama wajib diisi (maksimal 200 karakter).")
    try:
        role = ReporterRole(f.role)
    except ValueError:
        raise InvalidInput("role", "Peran pelapor tidak dikenal.") from None
    return _Checked(phone, name, role, _desa(session, f.desa_id, current),
                    _rt_rw(f.rt, "rt"), _rt_rw(f.rw, "rw"))


def _place(session: Session, reporter: TrustedReporter, desa: Place) -> None:
    if reporter.id is not None and reporter.desa_id is None:
        # Chosen after a typed desa no desa matched (migration 0026): their reports filed
        # under that text count under the desa from now on (each keeps its area text).
        session.execute(update(TrustedReport).where(
            TrustedReport.reporter_id == reporter.id, TrustedReport.desa_id.is_(None),
            TrustedReport.desa == reporter.desa).values(desa_id=desa.id))
    reporter.place, reporter.desa_id, reporter.desa = desa, desa.id, desa.name


def _describe(r: TrustedReporter) -> str:
    return f"{r.label}; telepon {r.phone}"


def _record(session: Session, admin: Principal, reporter: TrustedReporter, action: str,
            summary: str) -> None:
    """The registry's audit trail: who did what to which reporter, kept for good."""
    session.add(ReporterChange(reporter_id=reporter.id, at=utcnow(), changed_by_id=admin.id,
                               changed_by_label=admin.full_name, action=action,
                               summary=summary))


def register(session: Session, admin: Principal, f: ReporterForm) -> TrustedReporter:
    """Register a reporter, or bring back a deactivated one with the same number."""
    require_role(admin, Role.ADMIN)
    c = _check(session, f)
    found = session.scalar(select(TrustedReporter).where(TrustedReporter.phone == c.phone))
    if found is not None and found.active:
        raise InvalidInput("phone", "Nomor ini sudah terdaftar sebagai pelapor terpercaya.")
    reporter = found or TrustedReporter(phone=c.phone, created_at=utcnow())
    reporter.name, reporter.role, reporter.rt, reporter.rw = c.name, c.role, c.rt, c.rw
    _place(session, reporter, c.desa)
    reporter.active, reporter.deactivated_at = True, None
    if found is None:
        session.add(reporter)
    session.flush()
    _record(session, admin, reporter, ACTIVATED if found else ADDED, _describe(reporter))
    session.flush()
    return reporter


def edit(session: Session, admin: Principal, reporter_id: int, f: ReporterForm
         ) -> TrustedReporter:
    """Correct a reporter's number, name, role or area; their earlier reports keep the
    area they were filed with."""
    require_role(admin, Role.ADMIN)
    reporter = session.get(TrustedReporter, reporter_id)
    if reporter is None:
        raise NotFound("Pelapor tidak ditemukan.")
    c = _check(session, f, reporter.desa_id)
    taken = session.scalar(select(TrustedReporter.id).where(TrustedReporter.phone == c.phone))
    if taken is not None and taken != reporter.id:
        raise InvalidInput("phone", "Nomor ini sudah dipakai pelapor lain.")
    before = _describe(reporter)
    reporter.phone, reporter.name, reporter.role = c.phone, c.name, c.role
    reporter.rt, reporter.rw = c.rt, c.rw
    _place(session, reporter, c.desa)
    after = _describe(reporter)
    if after != before:
        _record(session, admin, reporter, EDITED, f"{before} → {after}")
    session.flush()
    return reporter


def deactivate(session: Session, admin: Principal, reporter_id: int) -> TrustedReporter:
    require_role(admin, Role.ADMIN)
    reporter = session.get(TrustedReporter, reporter_id)
    if reporter is None:
        raise NotFound("Pelapor tidak ditemukan.")
    if reporter.active:
        reporter.active, reporter.deactivated_at = False, utcnow()
        _record(session, admin, reporter, DEACTIVATED, _describe(reporter))
        session.flush()
    return reporter


def history(session: Session, admin: Principal, limit: int = 100) -> list[ReporterChange]:
    """The registry's changes, newest first, with who made each."""
    require_role(admin, Role.ADMIN)
    return list(session.scalars(select(ReporterChange).order_by(ReporterChange.id.desc())
                                .limit(limit)))


def list_reporters(session: Session, user: Principal) -> list[tuple[TrustedReporter, int]]:
    """Every reporter, active first, with how many tickets each filed."""
    require_role(user, Role.ADMIN, Role.SUPERVISOR)
    counts: dict[int, int] = {reporter_id: n for reporter_id, n in session.execute(
        select(TrustedReport.reporter_id, func.count()).group_by(TrustedReport.reporter_id))}
    reporters = session.scalars(select(TrustedReporter).order_by(
        TrustedReporter.active.desc(), TrustedReporter.desa, TrustedReporter.name))
    return [(r, counts.get(r.id, 0)) for r in reporters]


@dataclass(frozen=True)
class AreaCount:
    desa: str
    kecamatan: str | None  # None for a typed desa the gazetteer did not match
    reports: int

    @property
    def listed(self) -> bool:
        return self.kecamatan is not None


def by_area(session: Session, user: Principal) -> list[AreaCount]:
    """Tickets from trusted reporters by desa/kelurahan of the gazetteer, the busiest
    first; reports under a typed desa no desa matched are counted under that text."""
    require_role(user, Role.ADMIN, Role.SUPERVISOR)
    out = [AreaCount(p.name, p.parent.name if p.parent else "", n)
           for p, n in session.execute(select(Place, func.count(TrustedReport.id))
                                       .join(TrustedReport, TrustedReport.desa_id == Place.id)
                                       .group_by(Place.id))]
    out += [AreaCount(desa, None, n) for desa, n in session.execute(
        select(TrustedReport.desa, func.count()).where(TrustedReport.desa_id.is_(None))
        .group_by(TrustedReport.desa))]
    return sorted(out, key=lambda a: (-a.reports, a.desa, a.kecamatan or ""))


def recent_reports(session: Session, user: Principal, limit: int = 50) -> list[TrustedReport]:
    require_role(user, Role.ADMIN, Role.SUPERVISOR)
    return list(session.scalars(select(TrustedReport).order_by(TrustedReport.id.desc())
                                .limit(limit)))


def report_for(session: Session, ticket: Ticket) -> TrustedReport | None:
    if ticket.id is None:
        return None
    return session.scalar(select(TrustedReport).where(TrustedReport.ticket_id == ticket.id))


def trusted_label(session: Session, ticket: Ticket) -> str | None:
    """"Ketua RT Budi (RT 003/RW 002, Desa X)" when ``ticket`` came from a trusted reporter:
    the early warning weighs it more (passed to analytics by the composition root)."""
    report = report_for(session, ticket)
    return report.reporter.label if report is not None else None


def mark_ticket(session: Session, event: ComplaintText) -> None:
    """Listener for a new ticket: mark it when its number is a trusted reporter's."""
    if event.source != "pengaduan" or not event.ticket.reporter_phone:
        return
    ticket = event.ticket
    reporter = session.scalar(select(TrustedReporter).where(
        TrustedReporter.phone == ticket.reporter_phone, TrustedReporter.active.is_(True)))
    if reporter is None:
        return
    if ticket.id is None:
        session.flush()
    new = insert_ignore(session, TrustedReport.__table__, {  # type: ignore[arg-type]
        "ticket_id": ticket.id, "reporter_id": reporter.id, "area": reporter.area,
        "desa": reporter.desa, "desa_id": reporter.desa_id, "created_at": utcnow()},
        ["ticket_id"])
    if new is None:
        return
    if not ticket.location:
        ticket.location = reporter.area
    if reporter.place is not None:
        # An RT head nearly always reports from his own RT: the ticket is placed in his
        # desa, above a place the text seems to name, below the operator's correction.
        places.write_place(session, ticket, reporter.place.parent, reporter.place,
                           source=places.REPORTER)
    if not ticket.reporter_name:
        ticket.reporter_name = reporter.name
    record_event(session, ticket, SYSTEM, "pelapor_terpercaya",
                 f"Dari pelapor terpercaya: {reporter.label}.")
    # Flushed now: the analytics listener that follows reads the place with autoflush off.
    session.flush()
