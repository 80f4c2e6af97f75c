"""Canned replies, the messages the desk writes to a reporter, and the answer's files."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tickets.clock import utcnow
from tickets.db import Base
from tickets.models import Category, Pokja


class CannedReply(Base):
    """A balasan cepat: a text with placeholders, for one pokja (None: every pokja and
    the call centre) and one category (None: every category)."""

    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    pokja_id: Mapped[int | None] = mapped_column(ForeignKey("pokja.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    pokja: Mapped[Pokja | None] = relationship()
    category: Mapped[Category | None] = relationship()


class ReporterMessage(Base):
    """A free-text message an operator wrote to a ticket's reporter; the outbox row that
    carries it is keyed ``pesan#<id>`` on the ticket (notify.compose)."""

    __tablename__ = "reporter_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # sms | whatsapp | voice (as chosen)
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AnswerFile(Base):
    """A file attached to a pokja's answer: a repair photo or a letter (image or PDF).
    Shown on the public answer page once the ticket is published."""

    __tablename__ = "answer_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    path: Mapped[str] = mapped_column(String(300))  # relative to RECORDINGS_DIR
    file_name: Mapped[str] = mapped_column(String(200))  # the uploader's name, cleaned
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
