"""Tables of the routing suggestion: trained models and one suggestion per ticket."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tickets.clock import utcnow
from tickets.db import Base
from tickets.models import Category, Pokja


class SuggestModel(Base):
    """A model trained on the seed corpus plus the verified tickets, kept in the database
    so the web processes, the workers and the CLI all use the same one. The newest row
    is the current model; without any row the seed corpus's model is used."""

    __tablename__ = "suggest_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    samples: Mapped[int] = mapped_column(Integer)
    verified_samples: Mapped[int] = mapped_column(Integer)
    blob: Mapped[bytes] = mapped_column(LargeBinary)


class TicketSuggestion(Base):
    """What the model suggested for a ticket, and what the operator chose."""

    __tablename__ = "ticket_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    pokja_id: Mapped[int | None] = mapped_column(ForeignKey("pokja.id"))
    confidence: Mapped[float] = mapped_column(Float)
    # [{"category_id", "category", "pokja_id", "pokja", "confidence"}, ...], best first.
    alternatives: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    model_version: Mapped[str] = mapped_column(String(40))
    text_sha: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The operator's final choice when the ticket was verified and forwarded.
    final_category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    final_pokja_id: Mapped[int | None] = mapped_column(ForeignKey("pokja.id"))
    accepted: Mapped[bool | None] = mapped_column(Boolean)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    category: Mapped[Category | None] = relationship(foreign_keys=[category_id])
    pokja: Mapped[Pokja | None] = relationship(foreign_keys=[pokja_id])
