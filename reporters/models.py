"""Trusted community reporters and the tickets they filed."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tickets.clock import utcnow
from tickets.db import Base, enum_column
from tickets.models import Ticket


class ReporterRole(enum.StrEnum):
    KETUA_RT = "ketua_rt"
    KETUA_RW = "ketua_rw"
    KEPALA_DUSUN = "kepala_dusun"
    LINMAS = "linmas"


ROLE_LABELS = {ReporterRole.KETUA_RT: "Ketua RT", ReporterRole.KETUA_RW: "Ketua RW",
               ReporterRole.KEPALA_DUSUN: "Kepala dusun", ReporterRole.LINMAS: "Linmas"}


class TrustedReporter(Base):
    """Known by an E.164 phone number; deactivated, never deleted (their reports stay)."""

    __tablename__ = "trusted_reporters"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[ReporterRole] = mapped_column(enum_column(ReporterRole, "reporter_role"))
    desa: Mapped[str] = mapped_column(String(200))
    rt: Mapped[str | None] = mapped_column(String(8))
    rw: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def area(self) -> str:
        parts = [f"RT {self.rt}" if self.rt else "", f"RW {self.rw}" if self.rw else ""]
        rt_rw = "/".join(p for p in parts if p)
        return f"{rt_rw}, {self.desa}" if rt_rw else self.desa

    @property
    def label(self) -> str:
        return f"{ROLE_LABELS[self.role]} {self.name} ({self.area})"


class TrustedReport(Base):
    """A ticket filed from a trusted reporter's number, with the area as it was then."""

    __tablename__ = "trusted_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("trusted_reporters.id"), index=True)
    area: Mapped[str] = mapped_column(String(300))
    desa: Mapped[str] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship()
    reporter: Mapped[TrustedReporter] = relationship()

# What a registry change did (``ReporterChange.action``), and how the console names it.
ADDED, ACTIVATED, EDITED, DEACTIVATED = "daftar", "aktif", "ubah", "nonaktif"
CHANGE_LABELS = {ADDED: "Didaftarkan", ACTIVATED: "Diaktifkan kembali", EDITED: "Diubah",
                 DEACTIVATED: "Dinonaktifkan"}


class ReporterChange(Base):
    """The registry's audit trail: who added, edited or deactivated a reporter, and to
    what (migration 0020)."""

    __tablename__ = "trusted_reporter_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("trusted_reporters.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_by_label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text)

    reporter: Mapped[TrustedReporter] = relationship()
