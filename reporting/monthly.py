"""Laporan bulanan pengelolaan pengaduan: one month's figures as XLSX and as a page.

The figures are the dashboard's (``reporting.dashboard.build`` over the month), so the
report, the dashboard and the report page never disagree; the overdue list uses the
report page's definitions (``reporting.reports``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from reporting.chain import ChainCounts, chain_counts
from reporting.dashboard import (
    NO_POKJA,
    Dashboard,
    PokjaSla,
    Scope,
    build,
    effective_scope,
    filters_for,
    working_time,
)
from reporting.reports import followup_overdue, verify_overdue
from reporting.sheets import Cell, add_lines, add_table, new_workbook, xlsx_bytes
from reporting.sources import received_by_source
from tickets import sla
from tickets.clock import local_date_text, to_local, utcnow
from tickets.errors import InvalidInput
from tickets.lifecycle import AT_DESK, WITH_ANSWER, Principal
from tickets.models import CHANNEL_LABELS, STATUS_LABELS, Category, Channel, Pokja, Status, Ticket
from tickets.sla import zone_name

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
TITLE = "Laporan bulanan pengelolaan pengaduan"


def parse_month(raw: str) -> date:
    """``YYYY-MM`` as the month's first day; ``InvalidInput`` in Indonesian otherwise."""
    if not re.fullmatch(r"\d{4}-\d{2}", (raw or "").strip()):
        raise InvalidInput("month", "Bulan harus berformat TTTT-BB, misalnya 2026-11.")
    year, month = int(raw[:4]), int(raw[5:7])
    if not 1 <= month <= 12 or year < 2000:
        raise InvalidInput("month", "Bulan tidak dikenal.")
    return date(year, month, 1)


def month_label(first: date) -> str:
    return f"{MONTHS[first.month - 1]} {first.year}"


@dataclass(frozen=True)
class CategoryRow:
    name: str
    received: int
    answered: int
    rejected: int
    open: int


@dataclass(frozen=True)
class OverdueRow:
    number: str
    received: str
    status: str
    pokja: str
    category: str
    stage: str
    due: str
    working_days_late: int


@dataclass(frozen=True)
class MonthlyReport:
    agency: str
    first: date
    last: date
    generated_at: datetime
    figures: Dashboard
    by_channel: list[tuple[str, int]]
    by_category: list[CategoryRow]
    by_pokja: list[tuple[PokjaSla, int]]
    overdue: list[OverdueRow]
    # Escalations, drafts awaiting the head, partner questions (reporting.chain).
    chain: ChainCounts | None = None
    # Where the complaints were found (reporting.sources): direct, each platform, letters.
    by_source: list[tuple[str, int]] = field(default_factory=list)
    # The agency's zone: every time in the report is local, named WIB, WITA or WIT.
    timezone: str = "Asia/Jakarta"

    @property
    def label(self) -> str:
        return month_label(self.first)


def build_monthly(session: Session, user: Principal, first: date, *, tz: str, agency: str,
                  now: datetime | None = None) -> MonthlyReport:
    now = now or utcnow()
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    scope = effective_scope(user, Scope(first, last))
    figures = build(session, user, scope, tz=tz, now=now)
    by_channel = [(CHANNEL_LABELS[c], sum(figures.received[c])) for c in Channel]
    # From the dashboard's summary (per category, pokja and status): never the month's
    # tickets again.
    names: dict[int | None, str] = dict(session.execute(select(Category.id, Category.name)).all())
    per_category: dict[int | None, list[int]] = {}
    received_by_pokja: dict[int | None, int] = {}
    for (cid, pid, status), n in figures.received_by.items():
        counts = per_category.setdefault(cid, [0, 0, 0])
        counts[0] += n
        counts[1] += n if status in WITH_ANSWER else 0
        counts[2] += n if status is Status.REJECTED else 0
        received_by_pokja[pid] = received_by_pokja.get(pid, 0) + n
    by_category = sorted((CategoryRow(names.get(cid, "(tanpa kategori)"), n, a, r, n - a - r)
                          for cid, (n, a, r) in per_category.items()),
                         key=lambda r: (-r.received, r.name))
    pokja_ids = {name: pid for pid, name in _pokja_names(session).items()}
    by_pokja = [(row, received_by_pokja.get(pokja_ids.get(row.pokja), 0))
                for row in figures.sla]
    return MonthlyReport(agency, first, last, now, figures, by_channel, by_category, by_pokja,
                         overdue_list(session, user, scope, tz=tz, now=now),
                         chain_counts(session, user, scope, tz=tz, now=now),
                         received_by_source(session, user, scope, tz=tz, total=figures.total), tz)


def _pokja_names(session: Session) -> dict[int | None, str]:
    names: dict[int | None, str] = {None: NO_POKJA}
    names.update(session.execute(select(Pokja.id, Pokja.name)).all())
    return names


def overdue_list(session: Session, user: Principal, scope: Scope, *, tz: str,
                 now: datetime) -> list[OverdueRow]:
    """Every ticket overdue now (verification or follow-up), the latest deadline first."""
    verify, follow = verify_overdue(now), followup_overdue(now)
    query = (select(Ticket).where(or_(and_(*verify), and_(*follow)),
                                  *filters_for(user, scope))
             .options(selectinload(Ticket.category), selectinload(Ticket.pokja))
             .order_by(Ticket.created_at, Ticket.id))
    today = to_local(now, tz).date()
    out = []
    for t in session.scalars(query):
        at_desk = t.status in AT_DESK
        due = t.verify_due_at if at_desk else t.followup_due_at
        assert due is not None
        out.append(OverdueRow(
            t.number, local_date_text(t.created_at, tz), STATUS_LABELS[Status(t.status)],
            t.pokja.name if t.pokja else "-", t.category.name if t.category else "-",
            "Verifikasi (3 hari kerja)" if at_desk else "Tindak lanjut (5 hari kerja)",
            local_date_text(due, tz),
            max(1, sla.working_days_between(to_local(due, tz).date(), today))))
    return out


def _pct(share: float | None) -> float | str:
    return "-" if share is None else round(share * 100, 1)


def monthly_xlsx(report: MonthlyReport) -> bytes:
    f = report.figures
    wb = new_workbook()
    ws = wb.create_sheet("Ringkasan")
    row = add_lines(ws, [report.agency, f"{TITLE}: {report.label}",
                         f"Periode {report.first:%d-%m-%Y} s.d. {report.last:%d-%m-%Y}; "
                         f"dibuat {to_local(report.generated_at, report.timezone):%d-%m-%Y %H:%M}"
                         f" {zone_name(report.timezone)}"])
    verify_ok = sum(p.verify_ok for p in f.sla)
    verify_total = sum(p.verify_total for p in f.sla)
    answer_ok = sum(p.answer_ok for p in f.sla)
    answer_total = sum(p.answer_total for p in f.sla)
    summary: list[tuple[str, Cell]] = [
        ("Pengaduan diterima", f.total),
        ("Diverifikasi tepat waktu (≤ 3 hari kerja)", f"{verify_ok} dari {verify_total}"),
        ("Dijawab tepat waktu (≤ 5 hari kerja)", f"{answer_ok} dari {answer_total}"),
        ("Lewat batas verifikasi saat ini", f.verify_overdue_now),
        ("Lewat batas tindak lanjut saat ini", f.followup_overdue_now),
        *[(label, n) for _, label, n in (report.chain.rows() if report.chain else ())],
        *[(f"Median waktu kerja: {label}", working_time(v))
          for label, v in zip(("diterima → diverifikasi", "diterima → diteruskan",
                               "diteruskan → dijawab"), f.medians.values(), strict=True)],
    ]
    row = add_table(ws, ("Ukuran", "Nilai"), summary, start_row=row + 1)
    row = add_table(ws, ("Saluran", "Diterima"), report.by_channel, start_row=row + 1)
    add_table(ws, ("Sumber", "Diterima"), report.by_source, start_row=row + 1)
    add_table(wb.create_sheet("Per kategori"),
              ("Kategori", "Diterima", "Sudah dijawab", "Ditolak", "Masih terbuka"),
              [(c.name, c.received, c.answered, c.rejected, c.open)
               for c in report.by_category])
    add_table(wb.create_sheet("Per pokja"),
              ("Pokja", "Diterima", "Diverifikasi tepat waktu", "Wajib diverifikasi",
               "% verifikasi tepat waktu", "Dijawab tepat waktu", "Wajib dijawab",
               "% dijawab tepat waktu", "Lewat batas verifikasi kini",
               "Lewat batas tindak lanjut kini"),
              [(p.pokja, received, p.verify_ok, p.verify_total, _pct(p.verify_share),
                p.answer_ok, p.answer_total, _pct(p.answer_share), p.verify_overdue_now,
                p.followup_overdue_now) for p, received in report.by_pokja])
    add_table(wb.create_sheet("Lewat batas"),
              ("Nomor tiket", "Diterima", "Status", "Pokja", "Kategori", "Tahap", "Batas",
               "Hari kerja terlambat"),
              [(o.number, o.received, o.status, o.pokja, o.category, o.stage, o.due,
                o.working_days_late) for o in report.overdue])
    return xlsx_bytes(wb)


def filename(report: MonthlyReport) -> str:
    return f"laporan-bulanan-{report.first:%Y-%m}.xlsx"
