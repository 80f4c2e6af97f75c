"""Canned replies (balasan cepat): managed by the admin, per pokja and category, with
placeholders that are checked when saved and filled from the ticket when used.

Placeholders: ``{nomor}`` (the ticket number), ``{nama}`` (the reporter's name),
``{tanggal}`` (today, ``dd-mm-yyyy`` in the office's zone), ``{kategori}``, ``{pokja}``.
``{{`` and ``}}`` write a brace. Anything else in braces is refused on save, so a text
with a typo never reaches a reporter half filled. ``{nama}`` fills in the reporter's name
only for a user who may see the reporter (``tickets.permissions.can_see_reporter``): on
an anonim ticket a pokja gets "Bapak/Ibu", never the name.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from answering.models import CannedReply
from tickets.clock import local_date_text, utcnow
from tickets.errors import InvalidInput, NotFound
from tickets.lifecycle import Principal
from tickets.models import Category, Pokja, Role, Ticket
from tickets.permissions import AGENCY_ROLES, can_see_reporter, require_role
from tickets.text import clean_name, clean_text

PLACEHOLDERS = {
    "nomor": "nomor tiket",
    "nama": "nama pelapor (\"Bapak/Ibu\" bila tidak boleh dilihat)",
    "tanggal": "tanggal hari ini",
    "kategori": "kategori tiket",
    "pokja": "pokja tujuan",
}
NO_NAME = "Bapak/Ibu"
MAX_TITLE = 120
MAX_BODY = 2_000
ADMIN_ROLES = (Role.ADMIN,)


def _known() -> str:
    return ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)


def check_placeholders(text: str, field: str = "body") -> list[str]:
    """The placeholders ``text`` uses, in order; ``InvalidInput(field)`` with an
    Indonesian message for an unknown one, a conversion or format (``{nomor:>5}``), or a
    lone brace."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        raise InvalidInput(field, "Kurung kurawal tidak berpasangan. Tulis placeholder seperti "
                                  "{nomor}; untuk tanda kurung kurawal biasa tulis {{ "
                                  "atau }}.") from None
    used: list[str] = []
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (
                f":{spec}" if spec else "") + "}"
            raise InvalidInput(field, f"Placeholder {shown} tidak dikenal. Yang dapat "
                                      f"dipakai: {_known()}.")
        used.append(name)
    return used


@dataclass(frozen=True)
class Filled:
    """A canned reply as one user may insert it into one ticket's text box."""

    id: int
    title: str
    text: str


def values_for(user: Principal, ticket: Ticket, tz: str,
               now: datetime | None = None) -> dict[str, str]:
    name = ticket.reporter_name if can_see_reporter(user, ticket) else None
    if user.role in (Role.POKJA, Role.HEAD) and ticket.anonim:
        name = None  # never the name of an anonim reporter beyond the call centre
    return {
        "nomor": ticket.number,
        "nama": (name or "").strip() or NO_NAME,
        "tanggal": local_date_text(now or utcnow(), tz),
        "kategori": ticket.category.name if ticket.category else "-",
        "pokja": ticket.pokja.name if ticket.pokja else "-",
    }


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with its placeholders replaced; built part by part, never by
    ``str.format`` (which would follow ``{nomor.__class__}``)."""
    out: list[str] = []
    for literal, name, _, _ in string.Formatter().parse(text):
        out.append(literal)
        if name is not None:
            out.append(values.get(name, ""))
    return "".join(out)


def for_ticket(session: Session, user: Principal, ticket: Ticket, tz: str,
               now: datetime | None = None) -> list[Filled]:
    """The active canned replies for ``ticket``, filled for ``user``: the global ones
    (the call centre's and every pokja's) and, for a pokja's admin or head, their own
    pokja's; each for any category or the ticket's. The caller has checked ``can_view``."""
    own = user.pokja_id if user.role in AGENCY_ROLES else None
    scope = (or_(CannedReply.pokja_id.is_(None), CannedReply.pokja_id == own)
             if own is not None else CannedReply.pokja_id.is_(None))
    query = select(CannedReply).where(
        CannedReply.active.is_(True), scope,
        or_(CannedReply.category_id.is_(None), CannedReply.category_id == ticket.category_id),
    ).order_by(CannedReply.title, CannedReply.id)
    values = values_for(user, ticket, tz, now)
    shown = []
    for reply in session.scalars(query):
        try:
            text = fill(reply.body, values)
        except ValueError:  # a row written around the check (by hand in the database)
            continue
        shown.append(Filled(reply.id, reply.title, text))
    return shown


# --- the admin's list ---------------------------------------------------------------------

@dataclass(frozen=True)
class ReplyForm:
    title: str
    body: str
    pokja_id: int | None
    category_id: int | None
    active: bool = True


def _checked(session: Session, form: ReplyForm) -> tuple[str, str]:
    title = clean_name(form.title, field="title", max_len=MAX_TITLE, label="Judul")
    if not title:
        raise InvalidInput("title", "Judul balasan cepat wajib diisi.")
    body = clean_text(form.body, field="body", max_len=MAX_BODY, label="Isi balasan")
    if not body:
        raise InvalidInput("body", "Isi balasan cepat wajib diisi.")
    check_placeholders(body)
    if form.pokja_id is not None and session.get(Pokja, form.pokja_id) is None:
        raise InvalidInput("pokja_id", "Pokja tidak dikenal.")
    if form.category_id is not None:
        category = session.get(Category, form.category_id)
        if category is None:
            raise InvalidInput("category_id", "Kategori tidak dikenal.")
    return title, body


def list_replies(session: Session, user: Principal) -> list[CannedReply]:
    require_role(user, *ADMIN_ROLES)
    return list(session.scalars(select(CannedReply).order_by(CannedReply.title,
                                                             CannedReply.id)))


def get_reply(session: Session, user: Principal, reply_id: int | None) -> CannedReply:
    require_role(user, *ADMIN_ROLES)
    reply = session.get(CannedReply, reply_id) if reply_id else None
    if reply is None:
        raise NotFound("Balasan cepat tidak ditemukan.")
    return reply


def create(session: Session, user: Principal, form: ReplyForm) -> CannedReply:
    require_role(user, *ADMIN_ROLES)
    title, body = _checked(session, form)
    reply = CannedReply(title=title, body=body, pokja_id=form.pokja_id,
                        category_id=form.category_id, active=form.active,
                        updated_by_id=user.id)
    session.add(reply)
    session.flush()
    return reply


def update(session: Session, user: Principal, reply_id: int | None,
           form: ReplyForm) -> CannedReply:
    reply = get_reply(session, user, reply_id)
    title, body = _checked(session, form)
    reply.title, reply.body = title, body
    reply.pokja_id, reply.category_id, reply.active = form.pokja_id, form.category_id, \
        form.active
    reply.updated_at, reply.updated_by_id = utcnow(), user.id
    session.flush()
    return reply


def delete(session: Session, user: Principal, reply_id: int | None) -> str:
    """Remove a canned reply; its title, for the confirmation message."""
    reply = get_reply(session, user, reply_id)
    title = reply.title
    session.delete(reply)
    session.flush()
    return title
