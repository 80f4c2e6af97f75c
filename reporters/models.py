"""Trusted community reporters and the tickets they filed."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from analytics.models import Place
from analytics.places import label as place_label
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
    # The desa/kelurahan's name as chosen from the gazetteer (``desa_id``); a reporter
    # registered before the gazetteer choice (migration 0026) whose typed name matched no
    # desa keeps that text and no ``desa_id`` until the admin chooses it again.
    desa: Mapped[str] = mapped_column(String(200))
    desa_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), index=True)
    rt: Mapped[str | None] = mapped_column(String(8))
    rw: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime)

    place: Mapped[Place | None] = relationship()

    @property
    def needs_desa(self) -> bool:
        """Typed before the gazetteer choice and matched to no desa: "perlu dipilih ulang"."""
        return self.desa_id is None

    @property
    def area(self) -> str:
        """``RT 004/RW 002, Desa/Kel. Madatte, Kecamatan Polewali`` (the place as a ticket's
        location is written); an unmatched reporter's typed desa as it was."""
        parts = [f"RT {self.rt}" if self.rt else "", f"RW {self.rw}" if self.rw else ""]
        rt_rw = "/".join(p for p in parts if p)
        where = (place_label(self.place.parent, self.place) if self.place is not None
                 else None) or self.desa
        return f"{rt_rw}, {where}" if rt_rw else where

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
    # The reporter's desa in the gazetteer when the ticket came: the per-desa counts group
    # by it (None for an unmatched pre-0026 text, counted under that text).
    desa_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), index=True)
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
