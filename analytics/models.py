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
GROUP_MODES = {"fitur": "model memutuskan (kata kunci sebagai petunjuk)",
               "selalu": "selalu alarm", "tidak": "tidak pernah alarm"}

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
    # What a match does (GROUP_MODES): its words are one feature among many and the
    # model decides ("fitur"), a match always alarms ("selalu"), or never ("tidak").
    mode: Mapped[str] = mapped_column(String(8), default="fitur")
    # Comma-separated event kinds (analytics.events.KINDS) this group answers for: a
    # critical alarm of such a kind reaches the group's contacts (BPBD, police).
    kinds: Mapped[str] = mapped_column(String(300), default="")

    pokja: Mapped[Pokja | None] = relationship()
    users: Mapped[list[User]] = relationship(secondary=keyword_group_users,
                                             order_by=User.full_name)

    @property
    def word_list(self) -> list[str]:
        return [w.strip() for w in self.words.splitlines() if w.strip()]

    @property
    def channel_list(self) -> list[str]:
        return [c for c in self.channels.split(",") if c]

    @property
    def kind_list(self) -> list[str]:
        return [k for k in (self.kinds or "").split(",") if k]


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
    """Where a ticket's complaint is: found in its text, a trusted reporter's desa, or set by
    an operator (``analytics.places.write_place``)."""

    __tablename__ = "ticket_places"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    kecamatan_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), index=True)
    desa_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    source: Mapped[str] = mapped_column(String(16))  # otomatis | pelapor_rt | operator
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


class EventAlert(Base):
    """The early-warning model's alarm on a ticket (one per ticket), what drove it, and
    the desk's verdict: ``benar`` (confirmed), ``salah`` (dismissed) or, on a row the
    operator added for a report the model let pass, ``terlewat`` (missed). The text as
    it was judged is kept: the verdicts retrain the model."""

    __tablename__ = "event_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    alarm: Mapped[bool] = mapped_column(Boolean, default=True)
    kind: Mapped[str] = mapped_column(String(32))
    # The model's severity ("critical" | "high" | "normal") and the one alerted after a
    # trusted reporter and a cluster weighed in (analytics.models.Severity values).
    model_severity: Mapped[str | None] = mapped_column(String(16))
    severity: Mapped[Severity] = mapped_column(enum_column(Severity, "severity"))
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    cues: Mapped[list[Any]] = mapped_column(JSON, default=list)
    model_version: Mapped[str] = mapped_column(String(40), default="")
    source: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    # Other alarms about the same kecamatan within the hour before this one.
    cluster: Mapped[int] = mapped_column(Integer, default=0)
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    # The keyword group whose "selalu alarm" raised it, when the model did not.
    forced_by: Mapped[str | None] = mapped_column(String(100))
    kecamatan_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    verdict: Mapped[str | None] = mapped_column(String(16))
    verdict_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verdict_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    kecamatan: Mapped[Place | None] = relationship()


class EventModelRow(Base):
    """An early-warning model retrained on the corpus plus the desk's verdicts, with its
    held-out figures beside the current model's; used once an admin activates it."""

    __tablename__ = "event_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    samples: Mapped[int] = mapped_column(Integer)
    desk_samples: Mapped[int] = mapped_column(Integer)
    # {"candidate": Scores.as_dict(), "current": ..., "current_version": ...}
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    blob: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    activated_at: Mapped[datetime | None] = mapped_column(DateTime)
