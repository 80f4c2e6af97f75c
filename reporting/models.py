"""The dashboard's summary by place (``reporting.rollup``): what ``dashboard_days`` holds,
per kecamatan and per desa/kelurahan as well, so a place filter reads a few summary rows
instead of a year of tickets joined with their places."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from analytics.models import TicketPlace
from tickets.db import Base
from tickets.models import DashboardDay, DashboardSummary, Ticket

KECAMATAN = "kecamatan"  # grain: one row per kecamatan (desa_id NULL: every desa summed)
DESA = "desa"            # grain: one row per desa/kelurahan (and its kecamatan)


class DashboardPlaceDay(DashboardSummary, Base):
    __tablename__ = "dashboard_place_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    grain: Mapped[str] = mapped_column(String(16))
    kecamatan_id: Mapped[int | None] = mapped_column(Integer)
    desa_id: Mapped[int | None] = mapped_column(Integer)


# A place filter reads one place's days: an index leading with the place.
Index("ix_dashboard_place_days_kecamatan", DashboardPlaceDay.grain,
      DashboardPlaceDay.kecamatan_id, DashboardPlaceDay.day)
Index("ix_dashboard_place_days_desa", DashboardPlaceDay.grain, DashboardPlaceDay.desa_id,
      DashboardPlaceDay.day)


class DashboardSpanMonth(Base):
    """The working-time spans of a month's tickets binned by the tenth of an hour the
    dashboard shows (bin ``b``: ``b / 10`` hours when rounded half up), with each bin's
    count and smallest and largest span, per filter the console offers alone (``dim``:
    all, channel, category, pokja, pokja_seen, kecamatan, desa; ``key`` its value).
    Enough to find the displayed median exactly (``reporting.medians``) without sorting a
    year's spans."""

    __tablename__ = "dashboard_span_months"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)
    dim: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(32))
    measure: Mapped[str] = mapped_column(String(8))
    bin: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)
    lo: Mapped[int] = mapped_column(Integer)
    hi: Mapped[int] = mapped_column(Integer)


Index("ix_dashboard_span_months_dim", DashboardSpanMonth.dim, DashboardSpanMonth.key,
      DashboardSpanMonth.month)


class DashboardSpanDay(Base):
    """A day's working-time spans binned as ``dashboard_span_months`` bins a month's, for
    the unfiltered view only: its days outside whole months (a "30 days" range is almost
    all such days) read some thousand bins a day instead of every span of every ticket."""

    __tablename__ = "dashboard_span_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    measure: Mapped[str] = mapped_column(String(8))
    bin: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)
    lo: Mapped[int] = mapped_column(Integer)
    hi: Mapped[int] = mapped_column(Integer)


Index("ix_dashboard_span_days_day", DashboardSpanDay.day)


# The dashboard's "now" figures past a deadline (overdue now, undecided past deadline)
# read the open tickets: a partial index holding the columns they test, read without the
# heap. Declared here, beside the summaries it serves (migration 0025).
OPEN_STATUSES = ("recorded", "awaiting_verification", "postponed", "forwarded",
                 "in_progress", "reopened")
OPEN_COLUMNS = ("pokja_id", "category_id", "channel", "verify_due_at", "verified_at",
                "forwarded_at", "followup_due_at", "answered_at")
Index("ix_tickets_open", Ticket.status, Ticket.created_at,
      postgresql_include=list(OPEN_COLUMNS),
      postgresql_where=Ticket.status.in_(OPEN_STATUSES),
      sqlite_where=Ticket.status.in_(OPEN_STATUSES))
# A place filter's figures past a deadline probe each such ticket's place: read from the
# index alone.
Index("ix_ticket_places_ticket_place", TicketPlace.ticket_id,
      postgresql_include=["kecamatan_id", "desa_id"])
# The backlog (open tickets by status and day received) reads the summaries' rows of the
# open statuses, a few per open ticket at most, without the years of closed ones
# (migration 0028).
_open_rows = DashboardDay.status.in_(OPEN_STATUSES)
Index("ix_dashboard_days_open", DashboardDay.day,
      postgresql_where=_open_rows, sqlite_where=_open_rows)
_open_place_rows = DashboardPlaceDay.status.in_(OPEN_STATUSES)
Index("ix_dashboard_place_days_open_kecamatan", DashboardPlaceDay.grain,
      DashboardPlaceDay.kecamatan_id,
      postgresql_where=_open_place_rows, sqlite_where=_open_place_rows)
Index("ix_dashboard_place_days_open_desa", DashboardPlaceDay.grain, DashboardPlaceDay.desa_id,
      postgresql_where=_open_place_rows, sqlite_where=_open_place_rows)


class DashboardChange(Base):
    """A ticket changed since the summaries stored it, with what they stored of it: its
    row's key and measures as they were before its first change after the refresh
    (``reporting.rollup.capture``; all None for a ticket created since). The dashboard
    subtracts this and adds the ticket as it stands, so a view between two refreshes
    corrects the stored rows by the tickets that changed instead of summing their days.
    A ticket changed again keeps its first row (the earliest ``id``): that is what the
    summaries hold."""

    __tablename__ = "dashboard_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(Integer, index=True)
    day: Mapped[date | None] = mapped_column(Date)
    channel: Mapped[str | None] = mapped_column(String(32))
    category_id: Mapped[int | None] = mapped_column(Integer)
    pokja_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str | None] = mapped_column(String(32))
    verified: Mapped[int | None] = mapped_column(Integer)
    verified_ok: Mapped[int | None] = mapped_column(Integer)
    answered: Mapped[int | None] = mapped_column(Integer)
    answered_ok: Mapped[int | None] = mapped_column(Integer)
    verify_span: Mapped[int | None] = mapped_column(Integer)
    forward_span: Mapped[int | None] = mapped_column(Integer)
    answer_span: Mapped[int | None] = mapped_column(Integer)
    kecamatan_id: Mapped[int | None] = mapped_column(Integer)
    desa_id: Mapped[int | None] = mapped_column(Integer)
