"""The regency's chain counted on the dashboard and in the monthly report: escalations,
answers awaiting the agency head, partner questions, each under every dashboard filter.

The cast: PUPR ticket A (walk-in, in kecamatan Lapeo), PUPR ticket B (phone), DINKES
ticket C (walk-in). A reached both rungs, B and C the head's; A's draft waits for the
head, B's was returned, C's approved; PLN was asked about A (overdue now) and about C
(answered)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from analytics import flags
from escalation.models import HEAD, LEADERSHIP, Escalation
from partners.models import Partner, PartnerRequest
from reporting.chain import chain_counts
from reporting.dashboard import Scope
from tests.agents.conftest import (  # noqa: F401  (fixtures)
    agent,
    make_ticket,
    pokja,
    pokja_named,
    supervisor,
    user_named,
)
from tickets.clock import to_local, utcnow
from tickets.models import AnswerDraft, Channel, DraftState, Status

TZ = "Asia/Jakarta"


def _scope(**filters: Any) -> Scope:
    today = to_local(utcnow(), TZ).date()
    return Scope(today - timedelta(days=29), today, **filters)


@pytest.fixture
def chain(db: Session, make_ticket) -> dict[str, Any]:  # noqa: F811
    from analytics.demo import seed_places
    from analytics.models import Place, PlaceKind, TicketPlace

    now = utcnow()
    a = make_ticket(Status.IN_PROGRESS)
    b = make_ticket(Status.IN_PROGRESS, channel=Channel.PHONE)
    c = make_ticket(Status.IN_PROGRESS, code="DINKES")
    seed_places(db)
    lapeo = db.scalars(select(Place).where(Place.kind == PlaceKind.DESA,
                                           Place.name == "Lapeo")).one()
    db.add(TicketPlace(ticket_id=a.id, kecamatan=lapeo.parent, desa=lapeo, source="operator"))
    for ticket, level in ((a, HEAD), (a, LEADERSHIP), (b, HEAD), (c, HEAD)):
        db.add(Escalation(ticket_id=ticket.id, level=level, pokja_id=ticket.pokja_id,
                          days_late=3, created_at=now))
    for ticket, state in ((a, DraftState.PENDING), (b, DraftState.RETURNED),
                          (c, DraftState.APPROVED)):
        assert ticket.pokja_id is not None
        db.add(AnswerDraft(ticket_id=ticket.id, pokja_id=ticket.pokja_id, text="Draf.",
                           state=state, submitted_at=now - timedelta(hours=2),
                           decided_at=None if state is DraftState.PENDING else now))
    pln = db.scalars(select(Partner).where(Partner.name.like("PLN%"))).one()
    for ticket, answered in ((a, None), (c, now)):
        assert ticket.pokja_id is not None
        db.add(PartnerRequest(
            ticket_id=ticket.id, partner_id=pln.id, pokja_id=ticket.pokja_id,
            question="Kapan diperbaiki?", token_hash=f"{ticket.id:064d}",
            created_at=now - timedelta(days=5), expires_at=now + timedelta(days=9),
            due_at=now - timedelta(days=1), answered_at=answered,
            answer="Pekan depan." if answered else None))
    db.commit()
    return {"a": a, "b": b, "c": c, "kecamatan_id": lapeo.parent_id}


def _figures(db: Session, username: str, **filters: Any) -> dict[str, int]:
    counts = chain_counts(db, user_named(db, username), _scope(**filters), tz=TZ)
    return {key: n for key, _, n in counts.rows()}


EVERYTHING = {"esc-head": 3, "esc-leadership": 1, "drafts-waiting": 1,
              "drafts-submitted": 3, "drafts-approved": 1, "drafts-returned": 1,
              "partner-sent": 2, "partner-answered": 1, "partner-overdue": 1}
NOTHING = dict.fromkeys(EVERYTHING, 0)


def test_the_chain_is_counted_over_the_range(db, chain):
    assert _figures(db, "supervisor") == EVERYTHING


def test_every_dashboard_filter_applies_to_the_chain(db, chain):
    phone_only = {**NOTHING, "esc-head": 1, "drafts-submitted": 1, "drafts-returned": 1}
    assert _figures(db, "supervisor", channel=Channel.PHONE) == phone_only
    dinkes = {**NOTHING, "esc-head": 1, "drafts-submitted": 1, "drafts-approved": 1,
              "partner-sent": 1, "partner-answered": 1}
    assert _figures(db, "supervisor", pokja_id=pokja_named(db, "DINKES").id) == dinkes
    assert _figures(db, "supervisor", category_id=chain["c"].category_id) == dinkes
    only_a = {**NOTHING, "esc-head": 1, "esc-leadership": 1, "drafts-waiting": 1,
              "drafts-submitted": 1, "partner-sent": 1, "partner-overdue": 1}
    assert _figures(db, "supervisor",
                    where=flags.conditions(None, chain["kecamatan_id"])) == only_a


def test_a_pokja_counts_its_own_chain_whatever_it_asks(db, chain):
    pupr = {**EVERYTHING, "esc-head": 2, "drafts-submitted": 2, "drafts-approved": 0,
            "partner-sent": 1, "partner-answered": 0}
    assert _figures(db, "pokja") == pupr
    assert _figures(db, "pokja", pokja_id=pokja_named(db, "DINKES").id) == pupr


def test_a_flow_outside_the_range_is_not_counted(db, chain):
    today = to_local(utcnow(), TZ).date()
    later = Scope(today + timedelta(days=1), today + timedelta(days=2))
    counts = chain_counts(db, user_named(db, "supervisor"), later, tz=TZ)
    # What stands now is counted whatever the range; the flows of other days are not.
    assert {k: n for k, _, n in counts.rows()} == {
        **NOTHING, "drafts-waiting": 1, "partner-overdue": 1}


def test_the_dashboard_page_shows_the_chain_under_its_filters(supervisor, db,  # noqa: F811
                                                              chain):
    page = supervisor.get("/console/dasbor").get_data(as_text=True)
    for key, n in EVERYTHING.items():
        assert f'id="{key}">{n}<' in page, key
    page = supervisor.get("/console/dasbor?channel=phone").get_data(as_text=True)
    assert 'id="esc-head">1<' in page and 'id="esc-leadership">0<' in page
    assert 'id="drafts-waiting">0<' in page and 'id="drafts-returned">1<' in page
    page = supervisor.get(f"/console/dasbor?kecamatan_id={chain['kecamatan_id']}")
    text = page.get_data(as_text=True)
    assert 'id="esc-leadership">1<' in text and 'id="partner-overdue">1<' in text


def test_the_monthly_report_counts_the_chain(supervisor, pokja, db, chain):  # noqa: F811
    page = supervisor.get("/console/laporan-bulanan").get_data(as_text=True)
    for key, n in EVERYTHING.items():
        assert f'id="m-{key}">{n}<' in page, key
    assert 'id="m-partner-sent">1<' in pokja.get("/console/laporan-bulanan").get_data(
        as_text=True)
    response = supervisor.get("/console/laporan-bulanan?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.data))["Ringkasan"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert values["Jawaban menunggu persetujuan pimpinan OPD kini"] == 1
    assert values["Pertanyaan ke lembaga mitra lewat batas kini"] == 1
    assert values["Eskalasi ke kepala SKPD"] == 3

