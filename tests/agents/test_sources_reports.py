"""Reports count by source: the dashboard, the monthly report page and its XLSX say how
many complaints came directly and how many were found on each platform or in letters."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from openpyxl import load_workbook

from tickets.clock import utcnow
from tickets.models import Status
from tickets.sources import DIRECT_LABEL, Source, TicketSource


def _rows(page: str, table_id: str) -> dict[str, int]:
    table = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return {label: int(n) for label, n in re.findall(
        r'<tr><td>([^<]+)</td><td class="num">(\d+)</td></tr>', table)}


def _sourced(make_ticket, db, kind: Source):  # type: ignore[no-untyped-def]
    ticket = make_ticket(Status.FORWARDED)
    db.add(TicketSource(ticket_id=ticket.id, kind=kind, link="https://example.org/p/1"))
    db.commit()
    return ticket


def test_the_dashboard_and_the_monthly_report_count_by_source(supervisor, make_ticket, db):
    make_ticket(Status.FORWARDED)
    _sourced(make_ticket, db, Source.FACEBOOK)
    _sourced(make_ticket, db, Source.FACEBOOK)
    _sourced(make_ticket, db, Source.LETTER)
    dashboard = _rows(supervisor.get("/console/dasbor").get_data(as_text=True), "by-source")
    assert dashboard[DIRECT_LABEL] == 1 and dashboard["Facebook"] == 2
    assert dashboard["Surat"] == 1 and dashboard["TikTok"] == 0
    assert sum(dashboard.values()) == 4
    month = f"{utcnow() + timedelta(hours=7):%Y-%m}"
    page = supervisor.get(f"/console/laporan-bulanan?month={month}").get_data(as_text=True)
    assert _rows(page, "m-by-source") == dashboard
    xlsx = supervisor.get(f"/console/laporan-bulanan?month={month}&format=xlsx").get_data()
    cells = list(load_workbook(io.BytesIO(xlsx))["Ringkasan"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(cells) if r[0] == "Sumber")
    sheet = {r[0]: r[1] for r in cells[start + 1:] if r[0]}
    assert sheet == dashboard


def test_a_pokja_counts_only_its_own_tickets_by_source(agent, make_ticket, db):
    _sourced(make_ticket, db, Source.INSTAGRAM)
    other = make_ticket(Status.FORWARDED, code="DINKES")
    db.add(TicketSource(ticket_id=other.id, kind=Source.INSTAGRAM, link="https://x.org/1"))
    db.commit()
    page = agent("pokja").get("/console/dasbor").get_data(as_text=True)
    assert _rows(page, "by-source")["Instagram"] == 1
