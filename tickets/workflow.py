"""The operator's work on a ticket: verify, forward, postpone, reject, notes, desk intake.

Each function is one decision: it checks the acting user's role in the domain,
changes the ticket, writes the audit event(s) in the same transaction and commits.
Hooks for notifications ("ticket forwarded", ...) belong in these functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tickets import numbering
from tickets.access import DESK_ROLES, require_role, viewable_ticket
from tickets.errors import InvalidInput
from tickets.lifecycle import Actor, record_event, transition
from tickets.models import (
    Category,
    Channel,
    Pokja,
    RejectReason,
    Role,
    Status,
    Ticket,
    User,
)
from tickets.services import create_ticket

REJECT_LABELS: dict[RejectReason, str] = {
    RejectReason.NOT_OUR_AUTHORITY: "Bukan wewenang",
    RejectReason.DUPLICATE: "Duplikat",
    RejectReason.NOT_A_COMPLAINT: "Bukan pengaduan",
}
CHANNEL_LABELS: dict[Channel, str] = {
    Channel.PHONE: "Telepon (IVR)",
    Channel.PHONE_AGENT: "Telepon ke operator",
    Channel.WALK_IN: "Datang langsung",
    Channel.SMS_WA: "SMS / WhatsApp",
    Channel.WEB: "Formulir web",
}
PRIORITY_LABELS = {1: "Tinggi", 2: "Normal", 3: "Rendah"}
DESK_CHANNELS = (Channel.WALK_IN, Channel.PHONE_AGENT, Channel.SMS_WA, Channel.WEB)
MAX_TEXT = 10_000


@dataclass(frozen=True)
class Verification:
    """What an operator settles about a complaint before deciding on it."""

    description: str
    category_id: int | None
    pokja_id: int | None
    priority: int = 2
    anonim: bool = False
    rahasia: bool = False


def _desk_ticket(session: Session, user: User, number: str) -> Ticket:
    require_role(user, *DESK_ROLES)
    return viewable_ticket(session, user, number)


def _text(value: str | None, field: str, required_message: str | None = None) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if required_message and not text:
        raise InvalidInput(field, required_message)
    if len(text) > MAX_TEXT:
        raise InvalidInput(field, f"Teks terlalu panjang (maksimal {MAX_TEXT} karakter).")
    return text


def _apply(session: Session, ticket: Ticket, actor: Actor, v: Verification) -> None:
    """Write the verified text and classification, with one edit event naming the changes."""
    if v.priority not in PRIORITY_LABELS:
        raise InvalidInput("priority", "Prioritas tidak dikenal.")
    category = session.get(Category, v.category_id) if v.category_id else None
    if v.category_id and category is None:
        raise InvalidInput("category_id", "Kategori tidak dikenal.")
    pokja = session.get(Pokja, v.pokja_id) if v.pokja_id else None
    if v.pokja_id and (pokja is None or not pokja.active):
        raise InvalidInput("pokja_id", "Pokja tidak dikenal atau tidak aktif.")
    description = _text(v.description, "description")
    changes = []
    if description != (ticket.description or ""):
        ticket.description = description
        changes.append("uraian")
    if ticket.category_id != v.category_id:
        ticket.category = category
        changes.append(f"kategori: {category.name if category else '-'}")
    if ticket.pokja_id != v.pokja_id:
        ticket.pokja = pokja
        changes.append(f"pokja: {pokja.name if pokja else '-'}")
    if ticket.priority != v.priority:
        ticket.priority = v.priority
        changes.append(f"prioritas: {PRIORITY_LABELS[v.priority]}")
    if ticket.anonim != v.anonim:
        ticket.anonim = v.anonim
        changes.append(f"anonim: {'ya' if v.anonim else 'tidak'}")
    if ticket.rahasia != v.rahasia:
        ticket.rahasia = v.rahasia
        changes.append(f"rahasia: {'ya' if v.rahasia else 'tidak'}")
    if changes:
        record_event(session, ticket, actor, "edit", "Diubah: " + ", ".join(changes) + ".")


def save_verification(session: Session, user: User, number: str, v: Verification) -> Ticket:
    """Save the corrected transcript (as the description) and the classification.

    The machine transcript on ``Transcript`` is never changed.
    """
    ticket = _desk_ticket(session, user, number)
    _apply(session, ticket, Actor.of(user), v)
    session.commit()
    return ticket


def verify_and_forward(session: Session, user: User, number: str, v: Verification,
                       note: str | None = None, *, tz: str) -> Ticket:
    ticket = _desk_ticket(session, user, number)
    actor = Actor.of(user)
    _text(v.description, "description", "Uraian pengaduan wajib diisi sebelum diteruskan.")
    if not v.pokja_id:
        raise InvalidInput("pokja_id", "Pilih pokja tujuan sebelum meneruskan.")
    _apply(session, ticket, actor, v)
    pokja_name = ticket.pokja.name if ticket.pokja else ""
    transition(session, ticket, Status.FORWARDED, actor,
               _text(note, "note") or f"Diverifikasi dan diteruskan ke {pokja_name}.", tz=tz)
    session.commit()
    return ticket


def postpone(session: Session, user: User, number: str, note: str, *, tz: str) -> Ticket:
    """Tunda: the complaint needs more information from the reporter."""
    ticket = _desk_ticket(session, user, number)
    text = _text(note, "note", "Tuliskan informasi apa yang masih dibutuhkan.")
    transition(session, ticket, Status.POSTPONED, Actor.of(user), text, tz=tz)
    ticket.status_note = text
    session.commit()
    return ticket


def resume(session: Session, user: User, number: str, note: str | None, *, tz: str) -> Ticket:
    """The missing information arrived: the ticket waits for verification again."""
    ticket = _desk_ticket(session, user, number)
    transition(session, ticket, Status.AWAITING_VERIFICATION, Actor.of(user),
               _text(note, "note") or "Informasi sudah lengkap; diverifikasi ulang.", tz=tz)
    session.commit()
    return ticket


def reject(session: Session, user: User, number: str, reason: str, note: str | None,
           *, tz: str) -> Ticket:
    ticket = _desk_ticket(session, user, number)
    try:
        why = RejectReason(reason)
    except ValueError:
        raise InvalidInput("reason", "Pilih alasan penolakan.") from None
    if why is RejectReason.DUPLICATE:
        raise InvalidInput("reason", "Gunakan 'Tandai duplikat' dengan nomor tiket aslinya.")
    text = _text(note, "note")
    transition(session, ticket, Status.REJECTED, Actor.of(user),
               f"Ditolak: {REJECT_LABELS[why]}." + (f" {text}" if text else ""), tz=tz)
    ticket.reject_reason = why
    ticket.status_note = text or REJECT_LABELS[why]
    session.commit()
    return ticket


def mark_duplicate(session: Session, user: User, number: str, original_number: str,
                   *, tz: str) -> Ticket:
    ticket = _desk_ticket(session, user, number)
    other = original_number.strip()
    if not other or not numbering.is_valid(other):
        raise InvalidInput("original", "Nomor tiket asli tidak valid.")
    original = session.scalar(select(Ticket).where(Ticket.number == other))
    if original is None:
        raise InvalidInput("original", f"Tiket {other} tidak ditemukan.")
    if original.id == ticket.id:
        raise InvalidInput("original", "Tiket tidak dapat menjadi duplikat dirinya sendiri.")
    transition(session, ticket, Status.REJECTED, Actor.of(user),
               f"Duplikat dari tiket {original.number}.", tz=tz)
    ticket.reject_reason = RejectReason.DUPLICATE
    ticket.duplicate_of_id = original.id
    ticket.status_note = f"Duplikat dari tiket {original.number}"
    record_event(session, original, Actor.of(user), "note",
                 f"Tiket {ticket.number} ditandai sebagai duplikat tiket ini.", internal=True)
    session.commit()
    return ticket


def add_note(session: Session, user: User, number: str, note: str) -> Ticket:
    """An internal note; any user who may see the ticket may write one."""
    require_role(user, Role.OPERATOR, Role.SUPERVISOR, Role.POKJA)
    ticket = viewable_ticket(session, user, number)
    record_event(session, ticket, Actor.of(user), "note",
                 _text(note, "note", "Catatan tidak boleh kosong."), internal=True)
    session.commit()
    return ticket


@dataclass(frozen=True)
class DeskComplaint:
    """A complaint taken at the desk: a walk-in citizen, a caller, an SMS/WA or web form."""

    channel: str
    description: str
    reporter_name: str = ""
    reporter_phone: str = ""
    location: str = ""
    category_id: int | None = None
    anonim: bool = False
    rahasia: bool = False


def file_desk_complaint(session: Session, user: User, c: DeskComplaint, *, tz: str) -> Ticket:
    require_role(user, *DESK_ROLES)
    try:
        channel = Channel(c.channel)
    except ValueError:
        raise InvalidInput("channel", "Pilih saluran pengaduan.") from None
    if channel not in DESK_CHANNELS:
        raise InvalidInput("channel", "Pilih saluran pengaduan.")
    description = _text(c.description, "description", "Uraian pengaduan wajib diisi.")
    category = session.get(Category, c.category_id) if c.category_id else None
    if c.category_id and category is None:
        raise InvalidInput("category_id", "Kategori tidak dikenal.")
    phone = c.reporter_phone.strip()
    if phone and not phone.lstrip("+").replace(" ", "").replace("-", "").isdigit():
        raise InvalidInput("reporter_phone", "Nomor telepon hanya boleh berisi angka.")
    ticket = create_ticket(
        session, channel=channel, actor=Actor.of(user), tz=tz, category=category,
        anonim=c.anonim, rahasia=c.rahasia,
        reporter_name=c.reporter_name.strip()[:200] or None, reporter_phone=phone[:32] or None,
        location=c.location.strip()[:300] or None, description=description,
        note=f"Dicatat di meja layanan ({CHANNEL_LABELS[channel]}).",
    )
    session.commit()
    return ticket
