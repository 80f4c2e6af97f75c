"""Where a complaint was found when nobody brought it to us: a social-media post, a
WhatsApp group, an online news item, a letter, a walk-in (issue 20, flow 4).

The ticket's *channel* says how it reached the call centre; its *source* (one row of
``ticket_sources``, none for a complaint the citizen made to us directly) says where the
operator found it, with the post's link, its author's handle or name, the date of the
post and the stored screenshot or letter scan. The file itself is checked and written by
``media.uploads``; this module keeps only its name, type, size and sha256.

A public post cannot be answered through our outbox: the operator pastes the answer as
a reply on the platform and marks it done here ("balas manual"). Nothing here reads a
platform: no scraping.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from tickets import events
from tickets.clock import utcnow
from tickets.db import Base, enum_column
from tickets.errors import IllegalTransition, InvalidInput
from tickets.lifecycle import Actor, Principal, record_event
from tickets.models import Channel, Status, Ticket
from tickets.permissions import DESK_ROLES, require_role


class Source(enum.StrEnum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    X = "x"
    TIKTOK = "tiktok"
    WA_GROUP = "wa_group"
    NEWS = "news"
    LETTER = "letter"  # surat
    WALK_IN = "walk_in"


SOURCE_LABELS = {
    Source.FACEBOOK: "Facebook",
    Source.INSTAGRAM: "Instagram",
    Source.X: "X (Twitter)",
    Source.TIKTOK: "TikTok",
    Source.WA_GROUP: "Grup WhatsApp",
    Source.NEWS: "Berita daring",
    Source.LETTER: "Surat",
    Source.WALK_IN: "Dibawa ke meja layanan",
}
# The reports' row for tickets without a source row: the citizen contacted us directly.
DIRECT_LABEL = "Langsung ke layanan"

# Posts seen by the public: the answer is pasted there by hand ("balas manual").
PUBLIC_POSTS = frozenset({Source.FACEBOOK, Source.INSTAGRAM, Source.X, Source.TIKTOK,
                          Source.NEWS})
# Sources that have a link to the post; a letter, a walk-in or a group chat may not.
LINKED = PUBLIC_POSTS
# The channel a desk complaint gets when the operator names only its source.
_CHANNEL_OF = {Source.LETTER: Channel.WALK_IN, Source.WALK_IN: Channel.WALK_IN,
               Source.WA_GROUP: Channel.SMS_WA}
MAX_LINK = 500
MAX_AUTHOR = 200


class TicketSource(Base):
    __tablename__ = "ticket_sources"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    kind: Mapped[Source] = mapped_column(enum_column(Source, "source_kind"), index=True)
    link: Mapped[str | None] = mapped_column(String(MAX_LINK))
    author: Mapped[str | None] = mapped_column(String(MAX_AUTHOR))
    posted_on: Mapped[date | None] = mapped_column(Date)
    # The screenshot or letter scan, relative to RECORDINGS_DIR (media.uploads).
    file_path: Mapped[str | None] = mapped_column(String(500))
    file_type: Mapped[str | None] = mapped_column(String(64))
    file_size: Mapped[int | None] = mapped_column(Integer)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    # "Balas manual": who pasted the answer on the platform, and when.
    manual_reply_at: Mapped[datetime | None] = mapped_column(DateTime)
    manual_reply_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship()

    @property
    def label(self) -> str:
        return SOURCE_LABELS[self.kind]

    @property
    def public_post(self) -> bool:
        return self.kind in PUBLIC_POSTS


@dataclass(frozen=True)
class SourceRecorded:
    """A ticket's source was recorded: the duplicate check looks for the same post."""

    ticket: Ticket
    link: str | None


@dataclass(frozen=True)
class SourceDetails:
    """A source as checked where it entered (:func:`parse`)."""

    kind: Source
    link: str | None = None
    author: str | None = None
    posted_on: date | None = None

    def channel(self) -> Channel:
        return _CHANNEL_OF.get(self.kind, Channel.WEB)


def parse_link(raw: str | None) -> str | None:
    """An absolute http(s) URL with a host, or None when empty."""
    text = (raw or "").strip()
    if not text:
        return None
    if len(text) > MAX_LINK or any(c.isspace() for c in text):
        raise InvalidInput("source_link", "Tautan tidak valid.")
    try:
        parts = urlsplit(text)
    except ValueError:
        raise InvalidInput("source_link", "Tautan tidak valid.") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidInput("source_link", "Tautan harus alamat http:// atau https://.")
    return text


def parse(kind: str | None, link: str | None, author: str | None, posted_on: date | None,
          *, today: date) -> SourceDetails | None:
    """The source fields of a form, checked; None when no source was chosen."""
    raw = (kind or "").strip()
    if not raw:
        if (link or "").strip() or (author or "").strip() or posted_on:
            raise InvalidInput("source", "Pilih sumber pengaduan untuk tautan/akun ini.")
        return None
    try:
        source = Source(raw)
    except ValueError:
        raise InvalidInput("source", "Sumber pengaduan tidak dikenal.") from None
    checked_link = parse_link(link)
    if source in LINKED and checked_link is None:
        raise InvalidInput("source_link", "Tautan unggahan wajib diisi untuk sumber ini.")
    if posted_on is not None and posted_on > today:
        raise InvalidInput("source_posted_on", "Tanggal unggahan tidak boleh di masa depan.")
    name = (author or "").strip()
    if len(name) > MAX_AUTHOR:
        raise InvalidInput("source_author", f"Maksimal {MAX_AUTHOR} karakter.")
    return SourceDetails(source, checked_link, name or None, posted_on)


def attach(session: Session, ticket: Ticket, details: SourceDetails) -> TicketSource:
    row = TicketSource(ticket=ticket, kind=details.kind, link=details.link,
                       author=details.author, posted_on=details.posted_on)
    session.add(row)
    session.flush()
    events.publish(session, SourceRecorded(ticket, details.link))
    return row


def keep_file(session: Session, ticket_id: int, *, path: str, content_type: str,
              size: int, sha256: str) -> TicketSource:
    """Name the stored screenshot or scan on the ticket's source."""
    row = session.get_one(TicketSource, ticket_id)
    row.file_path, row.file_type, row.file_size, row.file_sha256 = (
        path, content_type, size, sha256)
    session.flush()
    return row


def source_of(session: Session, ticket_id: int) -> TicketSource | None:
    return session.get(TicketSource, ticket_id)


def awaiting_manual_reply(session: Session, user: Principal, limit: int = 200
                          ) -> list[TicketSource]:
    """Public posts whose answer is in and not yet pasted on the platform, oldest answer
    first: the operators' "balas manual" list."""
    require_role(user, *DESK_ROLES)
    return list(session.scalars(
        select(TicketSource).join(Ticket, Ticket.id == TicketSource.ticket_id)
        .where(TicketSource.kind.in_(PUBLIC_POSTS), TicketSource.manual_reply_at.is_(None),
               Ticket.answer.is_not(None), Ticket.status.in_((Status.ANSWERED, Status.CLOSED)))
        .order_by(Ticket.answered_at, Ticket.id).limit(limit)))


def needs_manual_reply(row: TicketSource | None, ticket: Ticket) -> bool:
    """The answer is ready to be pasted on a public post and nobody has done it yet."""
    return (row is not None and row.public_post and row.manual_reply_at is None
            and ticket.answer is not None
            and ticket.status in (Status.ANSWERED, Status.CLOSED))


def mark_manual_reply(session: Session, user: Principal, ticket: Ticket) -> TicketSource:
    """Balas manual: the operator pasted the answer as a reply on the public post. Once;
    only for an answered public post."""
    require_role(user, *DESK_ROLES)
    row = source_of(session, ticket.id)
    if row is None or not row.public_post:
        raise IllegalTransition("Tiket ini tidak berasal dari unggahan publik.")
    if row.manual_reply_at is not None:
        raise IllegalTransition("Balasan manual sudah ditandai selesai.")
    if not needs_manual_reply(row, ticket):
        raise IllegalTransition("Belum ada jawaban untuk dibalaskan pada unggahan.")
    row.manual_reply_at = utcnow()
    row.manual_reply_by_id = user.id
    record_event(session, ticket, Actor.of(user), "manual_reply",
                 f"Jawaban ditempel sebagai balasan di {row.label} (balas manual).")
    session.flush()
    return row
