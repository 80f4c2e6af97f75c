"""SP4N-LAPOR! export: a date range of tickets in LAPOR!'s terms, as XLSX or CSV.

Privacy is decided here, once, for every format: the reporter's name and number only
when the ticket is not *anonim*, and an anonim ticket's title, text and answer masked
(``tickets.privacy.outward``: what the caller said of themselves); no title, text or
answer when it is *rahasia* (LAPOR! keeps a rahasia report from the public, and the
export may travel further than the console). The export carries ticket content, so it
belongs to supervisors and, for its own tickets only, a pokja (``reporting.dashboard``'s
scope rules); the technical admin, who reads no ticket, gets none.

LAPOR!'s live API is documented only to an agency's registered developer account, so no
client ships here: :class:`LaporClient` is the seam a future client fills (see
docs/dashboard.md). The agency files tickets in LAPOR! from this export and types the
tracking id LAPOR! gives back into the ticket page (``reporting.lapor_fields``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import astuple, dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from reporting.dashboard import Scope, effective_scope, filters_for, range_condition
from reporting.sheets import Cell, add_lines, add_table, csv_bytes, new_workbook, xlsx_bytes
from tickets.clock import local_date_text
from tickets.lifecycle import AT_DESK, Principal
from tickets.models import CLASSIFICATION_LABELS, Classification, RejectReason, Role, Status, Ticket
from tickets.permissions import require_role
from tickets.privacy import masking, outward, outward_description

WITHHELD = "(rahasia)"
# Who may export ticket content (a pokja: its own tickets).
EXPORTERS = (Role.SUPERVISOR, Role.POKJA)
HEADER = ("Nomor Tiket", "Tanggal Laporan", "Klasifikasi", "Judul", "Isi Laporan", "Kategori",
          "Instansi Tujuan", "Rahasia", "Anonim", "Nama Pelapor", "Telepon Pelapor",
          "Status", "Tindak Lanjut", "ID Pelacakan LAPOR!")


def lapor_status(ticket: Ticket) -> str:
    """The ticket's state in LAPOR!'s words (its admin outcomes and follow-up stages)."""
    status = Status(ticket.status)
    if status is Status.POSTPONED:
        return "Tunda"
    if status in AT_DESK:
        return "Belum Terverifikasi"
    if status is Status.REJECTED:
        return ("Bukan Wewenang" if ticket.reject_reason == RejectReason.NOT_OUR_AUTHORITY
                else "Arsipkan")
    if status is Status.FORWARDED:
        return "Verifikasi"
    if status in (Status.IN_PROGRESS, Status.REOPENED):
        return "Proses Tindak Lanjut"
    return "Selesai"


@dataclass(frozen=True)
class LaporReport:
    """One ticket as LAPOR! would take it (the fields of its report form)."""

    number: str
    date: str
    classification: str
    title: str
    text: str
    category: str
    target_agency: str
    rahasia: str
    anonim: str
    reporter_name: str
    reporter_phone: str
    status: str
    followup: str
    tracking_id: str


def to_report(ticket: Ticket, tz: str) -> LaporReport:
    secret = ticket.rahasia
    hidden = ticket.anonim
    m = masking(ticket) if hidden and not secret else None
    return LaporReport(
        number=ticket.number,
        date=local_date_text(ticket.created_at, tz),
        classification=CLASSIFICATION_LABELS[Classification(ticket.classification)],
        title=WITHHELD if secret else (outward(ticket, ticket.title, m) or ""),
        text=WITHHELD if secret else (outward_description(ticket, m) or ""),
        category=ticket.category.name if ticket.category else "",
        target_agency=ticket.pokja.name if ticket.pokja else "",
        rahasia="Ya" if secret else "Tidak",
        anonim="Ya" if hidden else "Tidak",
        reporter_name="" if hidden else (ticket.reporter_name or ""),
        reporter_phone="" if hidden else (ticket.reporter_phone or ""),
        status=lapor_status(ticket),
        followup=WITHHELD if secret and ticket.answer else (
            outward(ticket, ticket.answer, m) or ""),
        tracking_id=ticket.lapor_tracking_id or "",
    )


def reports(session: Session, user: Principal, date_from: date, date_to: date, *,
            tz: str, batch: int = 1000) -> Iterator[LaporReport]:
    """The range's tickets (received from ``date_from`` to ``date_to``), oldest first."""
    require_role(user, *EXPORTERS)
    scope = effective_scope(user, Scope(date_from, date_to))
    query = (select(Ticket).where(range_condition(scope, tz), *filters_for(user, scope))
             .order_by(Ticket.created_at, Ticket.id)
             .options(selectinload(Ticket.category), selectinload(Ticket.pokja),
                      selectinload(Ticket.transcript), selectinload(Ticket.privacy))
             .execution_options(yield_per=batch))
    for ticket in session.scalars(query):
        yield to_report(ticket, tz)


def _rows(items: Iterator[LaporReport]) -> Iterator[tuple[Cell, ...]]:
    return (astuple(r) for r in items)


def lapor_csv(session: Session, user: Principal, date_from: date, date_to: date, *,
              tz: str) -> bytes:
    return csv_bytes(HEADER, _rows(reports(session, user, date_from, date_to, tz=tz)))


def lapor_xlsx(session: Session, user: Principal, date_from: date, date_to: date, *,
               tz: str, agency: str) -> bytes:
    wb = new_workbook()
    ws = wb.create_sheet("LAPOR")
    row = add_lines(ws, [f"{agency}: ekspor SP4N-LAPOR! {date_from:%d-%m-%Y} s.d. "
                         f"{date_to:%d-%m-%Y}"])
    add_table(ws, HEADER, _rows(reports(session, user, date_from, date_to, tz=tz)),
              start_row=row + 1)
    return xlsx_bytes(wb)


class LaporClient(Protocol):
    """What a live SP4N-LAPOR! client will do once an agency has developer access.

    ``submit`` files one report and returns LAPOR!'s tracking id (the caller stores it
    with ``reporting.lapor_fields.save_lapor_fields``); ``status`` reads LAPOR!'s state of a filed
    report. Implementations raise an exception saying whether to retry, as the
    notification providers do (``notify.providers.DeliveryError``). None ships: LAPOR!'s
    API is documented only to registered agencies.
    """

    def submit(self, report: LaporReport) -> str: ...

    def status(self, tracking_id: str) -> str: ...
