"""Tables of the text analysis: keyword groups and their matches, places, duplicates."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

import accounts.models  # noqa: F401  (the users table, for the named recipients)
from accounts.models import User
from tickets.clock import utcnow
from tickets.db import Base, enum_column
from tickets.models import Pokja, Ticket


class Severity(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


SEVERITY_LABELS = {Severity.LOW: "rendah", Severity.MEDIUM: "sedang",
                   Severity.HIGH: "tinggi", Severity.CRITICAL: "kritis"}

keyword_group_users = Table(
    "keyword_group_users", Base.metadata,
    Column("group_id", ForeignKey("keyword_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class KeywordGroup(Base):
    """An early-warning group: words and phrases, a severity, and who is alerted how."""

    __tablename__ = "keyword_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # One word or phrase per line, as the admin wrote them.
    words: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[Severity] = mapped_column(enum_column(Severity, "severity"),
                                               default=Severity.HIGH)
    notify_supervisors: Mapped[bool] = mapped_column(Boolean, default=True)
    pokja_id: Mapped[int | None] = mapped_column(ForeignKey("pokja.id"))
    # Further addresses and numbers (a BPBD duty phone), one per line, checked at write.
    extra_contacts: Mapped[str] = mapped_column(Text, default="")
    # Comma-separated subset of email, whatsapp, sms.
    channels: Mapped[str] = mapped_column(String(64), default="email,whatsapp")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    pokja: Mapped[Pokja | None] = relationship()
    users: Mapped[list[User]] = relationship(secondary=keyword_group_users,
                                             order_by=User.full_name)

    @property
    def word_list(self) -> list[str]:
        return [w.strip() for w in self.words.splitlines() if w.strip()]

    @property
    def channel_list(self) -> list[str]:
        return [c for c in self.channels.split(",") if c]


class TicketAlert(Base):
    """A keyword group matched a ticket's text: once per ticket and group."""

    __tablename__ = "ticket_alerts"
    __table_args__ = (UniqueConstraint("ticket_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("keyword_groups.id", ondelete="CASCADE"),
                                          index=True)
    # The words as they stand in the text (highlighted in the transcript).
    matched: Mapped[list[Any]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(32))  # transkrip | pengaduan | uraian | pesan
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    group: Mapped[KeywordGroup] = relationship()


class PlaceKind(enum.StrEnum):
    KECAMATAN = "kecamatan"
    DESA = "desa"            # desa or kelurahan


class Place(Base):
    """The gazetteer: the regency's kecamatan, and its desa/kelurahan under each."""

    __tablename__ = "places"
    __table_args__ = (UniqueConstraint("kind", "parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PlaceKind] = mapped_column(enum_column(PlaceKind, "place_kind"))
    name: Mapped[str] = mapped_column(String(100))
    # Other spellings, one per line ("Allu" for Alu).
    aliases: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), index=True)
    postal_code: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Place | None] = relationship(remote_side=[id])

    @property
    def names(self) -> list[str]:
        return [self.name, *(a.strip() for a in self.aliases.splitlines() if a.strip())]


class TicketPlace(Base):
    """Where a ticket's complaint is: found in its text, or set by an operator."""

    __tablename__ = "ticket_places"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    kecamatan_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), index=True)
    desa_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    source: Mapped[str] = mapped_column(String(16))  # otomatis | operator
    heard: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    kecamatan: Mapped[Place | None] = relationship(foreign_keys=[kecamatan_id])
    desa: Mapped[Place | None] = relationship(foreign_keys=[desa_id])


class DuplicateCandidate(Base):
    """An earlier ticket that ``ticket`` may repeat (same reporter, or same place and a
    similar text), offered to the operator."""

    __tablename__ = "duplicate_candidates"
    __table_args__ = (UniqueConstraint("ticket_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    reason: Mapped[str] = mapped_column(String(32))  # same_reporter | same_place_text
    score: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    candidate: Mapped[Ticket] = relationship(foreign_keys=[candidate_id])


class RepeatCaller(Base):
    """``ticket``'s reporter filed ``earlier`` other tickets shortly before it."""

    __tablename__ = "repeat_callers"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    earlier: Mapped[int] = mapped_column(Integer)
