"""A trusted reporter's ticket is placed in the reporter's desa and its kecamatan (source
``pelapor_rt``): above a place its text seems to name, below the operator's correction;
an unmatched reporter places nothing; the dashboard's place filter counts the report."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from analytics.models import Place, PlaceKind, TicketPlace
from analytics.places import OPERATOR, REPORTER
from reporters import services
from reporters.models import ReporterRole, TrustedReporter
from reporting.dashboard import Scope, build
from reporting.rollup import refresh_marked
from tests.agents.conftest import reload, user_named
from tests.analytics.conftest import phoned, runtime, ticket_of  # noqa: F401  (fixtures)
from tests.reporters.conftest import desa_named
from tickets.clock import to_local, utcnow
from tickets.lifecycle import SYSTEM
from tickets.models import Channel, DashboardDirty, Ticket
from tickets.services import create_ticket

PHONE = "+6281345678901"
TZ = "Asia/Makassar"


def _register(db) -> TrustedReporter:  # type: ignore[no-untyped-def]
    reporter = services.register(db, user_named(db, "admin"), services.ReporterForm(
        phone="0813-4567-8901", name="Pak Darman", role="ketua_rt",
        desa_id=desa_named(db, "Madatte"), rt="4", rw="2"))
    db.commit()
    return reporter


def _file(db, text: str = "Jalan di lingkungan kami berlubang.",  # type: ignore[no-untyped-def]
          phone: str = PHONE) -> Ticket:
    ticket = create_ticket(db, channel=Channel.PHONE_AGENT, actor=SYSTEM, tz=TZ,
                           reporter_phone=phone, description=text)
    db.commit()
    return ticket


def _kecamatan(db, name: str) -> int:  # type: ignore[no-untyped-def]
    return db.scalars(select(Place.id).where(Place.kind == PlaceKind.KECAMATAN,
                                             Place.name == name)).one()


def _place(db, ticket: Ticket) -> tuple[str | None, str | None, str] | None:  # type: ignore[no-untyped-def]
    db.expire_all()
    p = db.get(TicketPlace, ticket.id)
    if p is None:
        return None
    return (p.kecamatan.name if p.kecamatan else None, p.desa.name if p.desa else None,
            p.source)


def test_a_trusted_reporters_ticket_naming_no_place_is_placed_in_their_desa(db, operator):
    _register(db)
    ticket = _file(db)
    assert _place(db, ticket) == ("Polewali", "Madatte", REPORTER)
    # The location text keeps the reporter's RT/RW.
    assert reload(db, ticket).location == "RT 004/RW 002, Desa/Kel. Madatte, Kecamatan Polewali"
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Desa/Kel. Madatte" in page and "wilayah pelapor terpercaya" in page
    queue = operator.get(f"/console/antrean?kecamatan_id={_kecamatan(db, 'Polewali')}")
    assert ticket.number in queue.get_data(as_text=True)


def test_an_ordinary_callers_ticket_is_not_placed_by_the_reporters_desa(db):
    _register(db)
    assert _place(db, _file(db, phone="+6281234567890")) is None


def test_a_desa_the_text_names_does_not_replace_the_reporters_desa(db):
    _register(db)
    ticket = _file(db, "Jembatan di desa Lapeo putus sejak tadi pagi.")
    assert _place(db, ticket) == ("Polewali", "Madatte", REPORTER)


def test_a_transcript_naming_another_desa_later_keeps_the_reporters_desa(db, phoned):  # noqa: F811
    _register(db)
    number = phoned("Jalan di desa Katumbangan rusak parah dan berlubang", phone=PHONE)
    ticket = ticket_of(db, number)
    assert _place(db, ticket) == ("Polewali", "Madatte", REPORTER)
    assert ticket.location == "RT 004/RW 002, Desa/Kel. Madatte, Kecamatan Polewali"


def test_the_operators_correction_replaces_the_reporters_desa(db, operator):
    _register(db)
    ticket = _file(db)
    luyo = _kecamatan(db, "Luyo")
    mambu = db.scalars(select(Place.id).where(Place.name == "Mambu")).one()
    response = operator.post(f"/console/tiket/{ticket.number}/lokasi",
                             {"kecamatan_id": str(luyo), "desa_id": str(mambu)})
    assert response.status_code == 302
    assert _place(db, ticket) == ("Luyo", "Mambu", OPERATOR)
    assert "dikoreksi operator" in operator.get(
        f"/console/tiket/{ticket.number}").get_data(as_text=True)


def test_an_unmatched_reporter_places_nothing(db):
    db.add(TrustedReporter(phone=PHONE, name="Pak Lama", role=ReporterRole.KETUA_RW,
                           desa="Kel Madate", active=True, created_at=utcnow()))
    db.commit()
    ticket = _file(db)
    assert reload(db, ticket).location == "Kel Madate"
    assert _place(db, ticket) is None


def test_the_dashboards_place_filter_counts_the_trusted_report(db):
    _register(db)
    ticket = reload(db, _file(db))
    day = to_local(ticket.created_at, TZ).date()
    # Its received day is marked, and the refresh stores the place summary from it.
    assert ticket.created_at.date() in db.scalars(select(DashboardDirty.day)).all()
    refresh_marked(db, tz=TZ)
    db.commit()
    supervisor = user_named(db, "supervisor")
    now = ticket.created_at + timedelta(hours=1)
    polewali, madatte = _kecamatan(db, "Polewali"), desa_named(db, "Madatte")
    for scope, total in ((Scope(day, day, kecamatan_id=polewali), 1),
                         (Scope(day, day, desa_id=madatte), 1),
                         (Scope(day, day, kecamatan_id=polewali, desa_id=madatte), 1),
                         (Scope(day, day, kecamatan_id=_kecamatan(db, "Luyo")), 0)):
        assert build(db, supervisor, scope, tz=TZ, now=now).total == total
