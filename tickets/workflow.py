"""The operator's work on a ticket: verify, forward, postpone, reject, notes, desk intake.

Each function is one decision: it checks the acting user's role, the ticket's status and
the version the form was rendered from, changes the ticket and writes the audit event(s)
in the caller's transaction (the boundary commits). Notifications follow from the
transitions' events.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from tickets import concurrency, events, numbering, privacy, sources
from tickets.clock import utcnow
from tickets.contacts import phone_field
from tickets.errors import IllegalTransition, InvalidInput, NotFound
from tickets.lifecycle import EDITABLE_AT_DESK, Actor, Principal, record_event, transition
from tickets.models import (
    CHANNEL_LABELS,
    PRIORITY_LABELS,
    REJECT_LABELS,
    STATUS_LABELS,
    Category,
    Channel,
    Pokja,
    RejectReason,
    Role,
    Status,
    Ticket,
    TicketPrivacy,
)
from tickets.permissions import DESK_ROLES, desk_ticket, require_role, viewable_ticket
from tickets.services import create_ticket, ticket_by_number
from tickets.text import clean_name, clean_text

DESK_CHANNELS = (Channel.WALK_IN, Channel.PHONE_AGENT, Channel.SMS_WA, Channel.WEB)
MAX_TEXT = 10_000
MAX_LOCATION = 300
# The reporter hears it on the status line and reads it in one SMS.
MAX_REPORTER_MESSAGE = 300


@dataclass(frozen=True)
class Verification:
    """What an operator settles about a complaint before deciding on it."""

    description: str
    category_id: int | None
    pokja_id: int | None
    priority: int = 2
    anonim: bool = False
    rahasia: bool = False


def _editable(ticket: Ticket) -> None:
    """Text, classification and privacy flags change only while the call centre holds
    the ticket: after forwarding, a save would move it or expose the reporter unseen."""
    if ticket.status not in EDITABLE_AT_DESK:
        raise IllegalTransition(
            f"Tiket {ticket.number} berstatus '{STATUS_LABELS[ticket.status]}'; uraian, "
            "klasifikasi dan sifat pengaduan tidak dapat diubah lagi.")


_LABELS = {"description": "Uraian", "note": "Catatan"}


def _text(value: str | None, field: str, required_message: str | None = None) -> str:
    text = clean_text(value, field=field, max_len=MAX_TEXT, label=_LABELS.get(field, "Teks"))
    if required_message and not text:
        raise InvalidInput(field, required_message)
    return text


def _apply(session: Session, ticket: Ticket, actor: Actor, v: Verification) -> None:
    """Write the verified text and classification, with one edit event naming the changes."""
    _editable(ticket)
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
        events.publish(session, events.ComplaintText(ticket, description, "uraian"))
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


def save_verification(session: Session, user: Principal, number: str, v: Verification,
                      *, version: int | None, tz: str) -> Ticket:
    """Save the corrected transcript (as the description) and the classification.

    The machine transcript on ``Transcript`` is never changed.
    """
    ticket = desk_ticket(session, user, number, version, tz)
    _apply(session, ticket, Actor.of(user), v)
    concurrency.flush(session, ticket, tz)
    return ticket


def _require_pokja(pokja_id: int | None) -> None:
    if not pokja_id:
        raise InvalidInput("pokja_id", "Pilih pokja tujuan sebelum meneruskan.")


def _forward(session: Session, ticket: Ticket, actor: Actor, v: Verification,
             note: str | None, tz: str) -> None:
    """The rules of a forward, wherever it starts: a description and a pokja, an anonim
    description that does not identify the reporter, the audit events; the transition's
    event brings the notifications. The forwarding note is the one note the pokja reads."""
    _text(v.description, "description", "Uraian pengaduan wajib diisi sebelum diteruskan.")
    _require_pokja(v.pokja_id)
    _apply(session, ticket, actor, v)
    if ticket.anonim:
        privacy.require_anonymised(ticket)
    pokja = ticket.pokja  # the relationship: pokja_id follows only at the next flush
    assert pokja is not None
    # The desk's remark (why postponed or returned) stays behind: it is not the pokja's.
    ticket.status_note = None
    transition(session, ticket, Status.FORWARDED, actor,
               _text(note, "note") or f"Diverifikasi dan diteruskan ke {pokja.name}.", tz=tz,
               shared_with=pokja.id)


def verify_and_forward(session: Session, user: Principal, number: str, v: Verification,
                       note: str | None = None, *, version: int | None, tz: str) -> Ticket:
    ticket = desk_ticket(session, user, number, version, tz)
    _forward(session, ticket, Actor.of(user), v, note, tz)
    concurrency.flush(session, ticket, tz)
    return ticket


def postpone(session: Session, user: Principal, number: str, note: str, *,
             version: int | None, tz: str) -> Ticket:
    """Tunda: the complaint needs more information from the reporter."""
    ticket = desk_ticket(session, user, number, version, tz)
    text = _text(note, "note", "Tuliskan informasi apa yang masih dibutuhkan.")
    transition(session, ticket, Status.POSTPONED, Actor.of(user), text, tz=tz)
    ticket.status_note = text
    concurrency.flush(session, ticket, tz)
    return ticket


def resume(session: Session, user: Principal, number: str, note: str | None, *,
           version: int | None, tz: str) -> Ticket:
    """The missing information arrived: the ticket waits for verification again."""
    ticket = desk_ticket(session, user, number, version, tz)
    transition(session, ticket, Status.AWAITING_VERIFICATION, Actor.of(user),
               _text(note, "note") or "Informasi sudah lengkap; diverifikasi ulang.", tz=tz)
    concurrency.flush(session, ticket, tz)
    return ticket


def reject(session: Session, user: Principal, number: str, reason: str, note: str | None,
           *, version: int | None, tz: str, reporter_message: str | None = None) -> Ticket:
    """Tolak. ``note`` is the call centre's own remark; ``reporter_message`` is written for
    the reporter (which agency to turn to, say): the status line speaks it and the SMS
    carries it, unless the ticket is rahasia (:func:`tickets.services.rejection_notice`)."""
    ticket = desk_ticket(session, user, number, version, tz)
    try:
        why = RejectReason(reason)
    except ValueError:
        raise InvalidInput("reason", "Pilih alasan penolakan.") from None
    if why is RejectReason.DUPLICATE:
        raise InvalidInput("reason", "Gunakan 'Tandai duplikat' dengan nomor tiket aslinya.")
    text = _text(note, "note")
    message = clean_text(reporter_message, field="reporter_message",
                         max_len=MAX_REPORTER_MESSAGE, label="Pesan untuk pelapor")
    # Set before the transition: its listeners write the reporter's SMS from them.
    ticket.reject_reason = why
    ticket.reporter_message = message or None
    ticket.status_note = text or REJECT_LABELS[why]
    transition(session, ticket, Status.REJECTED, Actor.of(user),
               f"Ditolak: {REJECT_LABELS[why]}." + (f" {text}" if text else "")
               + (f" Pesan untuk pelapor: {message}" if message else ""), tz=tz)
    concurrency.flush(session, ticket, tz)
    return ticket


def mark_duplicate(session: Session, user: Principal, number: str, original_number: str,
                   *, version: int | None, tz: str) -> Ticket:
    ticket = desk_ticket(session, user, number, version, tz)
    other = original_number.strip()
    if not other or not numbering.is_valid(other):
        raise InvalidInput("original", "Nomor tiket asli tidak valid.")
    try:
        original = ticket_by_number(session, other)
    except NotFound as exc:
        raise InvalidInput("original", exc.message) from None
    if original.id == ticket.id:
        raise InvalidInput("original", "Tiket tidak dapat menjadi duplikat dirinya sendiri.")
    # Set before the transition: its listeners tell the reporter the original's number.
    ticket.reject_reason = RejectReason.DUPLICATE
    ticket.duplicate_of_id = original.id
    ticket.status_note = f"Duplikat dari tiket {original.number}"
    transition(session, ticket, Status.REJECTED, Actor.of(user),
               f"Duplikat dari tiket {original.number}.", tz=tz)
    record_event(session, original, Actor.of(user), "note",
                 f"Tiket {ticket.number} ditandai sebagai duplikat tiket ini.", internal=True)
    concurrency.flush(session, ticket, tz)
    return ticket


def add_note(session: Session, user: Principal, number: str, note: str) -> Ticket:
    """An internal note; any user who may see the ticket may write one. An operator's or
    supervisor's note stays with the call centre; a pokja user's is read by their pokja
    and the call centre. Notes never conflict: each is its own row and the ticket is not
    changed."""
    require_role(user, Role.OPERATOR, Role.SUPERVISOR, Role.POKJA)
    ticket = viewable_ticket(session, user, number)
    record_event(session, ticket, Actor.of(user), "note",
                 _text(note, "note", "Catatan tidak boleh kosong."), internal=True)
    session.flush()
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
    # The pokja to forward to; without one the category's pokja is proposed.
    pokja_id: int | None = None
    anonim: bool = False
    rahasia: bool = False
    # Where the operator found it (a post, a letter), checked by ``sources.parse``.
    source: sources.SourceDetails | None = None


def file_desk_complaint(session: Session, user: Principal, c: DeskComplaint, *, tz: str) -> Ticket:
    """Simpan: the complaint waits in the queue for verification like a phoned one."""
    require_role(user, *DESK_ROLES)
    try:
        # A complaint found on a post or in a letter reached us through its source.
        channel = (c.source.channel() if c.source is not None and not c.channel
                   else Channel(c.channel))
    except ValueError:
        raise InvalidInput("channel", "Pilih saluran pengaduan.") from None
    if channel not in DESK_CHANNELS:
        raise InvalidInput("channel", "Pilih saluran pengaduan.")
    description = _text(c.description, "description", "Uraian pengaduan wajib diisi.")
    reporter_name = clean_name(c.reporter_name, field="reporter_name", label="Nama pelapor")
    location = clean_name(c.location, field="location", max_len=MAX_LOCATION, label="Lokasi")
    category = session.get(Category, c.category_id) if c.category_id else None
    if c.category_id and category is None:
        raise InvalidInput("category_id", "Kategori tidak dikenal.")
    pokja = session.get(Pokja, c.pokja_id) if c.pokja_id else None
    if c.pokja_id and (pokja is None or not pokja.active):
        raise InvalidInput("pokja_id", "Pokja tidak dikenal atau tidak aktif.")
    phone = phone_field(c.reporter_phone, "reporter_phone")
    ticket = create_ticket(
        session, channel=channel, actor=Actor.of(user), tz=tz, category=category,
        anonim=c.anonim, rahasia=c.rahasia,
        reporter_name=reporter_name or None, reporter_phone=phone,
        location=location or None, description=description,
        note=f"Dicatat di meja layanan ({CHANNEL_LABELS[channel]}).",
    )
    if pokja is not None:
        ticket.pokja = pokja
    if c.source is not None:
        sources.attach(session, ticket, c.source)
    session.flush()
    return ticket


def file_and_forward(session: Session, user: Principal, c: DeskComplaint,
                     note: str | None = None, *, tz: str) -> Ticket:
    """Simpan dan teruskan: the operator took the complaint down and verified it in the
    same conversation, so it is filed and forwarded in one transaction, under the rules
    of :func:`verify_and_forward` (a description and a pokja, an anonim description that
    does not name the reporter, an audit event for each step, the notifications)."""
    # "- sesuai kategori -": without a chosen pokja, the category's own pokja.
    category = session.get(Category, c.category_id) if c.category_id else None
    pokja_id = c.pokja_id or (category.pokja_id if category is not None else None)
    ticket = file_desk_complaint(session, user, c, tz=tz)
    _require_pokja(pokja_id)
    _forward(session, ticket, Actor.of(user), Verification(
        description=ticket.description or "", category_id=ticket.category_id,
        pokja_id=pokja_id, priority=ticket.priority, anonim=ticket.anonim,
        rahasia=ticket.rahasia), note, tz)
    concurrency.flush(session, ticket, tz)
    return ticket


# --- an anonim ticket's mask (tickets.privacy) ----------------------------------------

@dataclass(frozen=True)
class MaskCorrection:
    """The operator's review of the proposed mask: which candidate phrases stay masked
    (``masked``, the ticked boxes) and phrases the finder missed (``added``, one a line)."""

    masked: tuple[str, ...]
    added: str = ""


def _anonim_desk_ticket(session: Session, user: Principal, number: str, version: int | None,
                        tz: str) -> tuple[Ticket, TicketPrivacy]:
    ticket = desk_ticket(session, user, number, version, tz)
    if not ticket.anonim:
        raise IllegalTransition(f"Tiket {ticket.number} tidak anonim: tidak ada yang "
                                "disamarkan.")
    if ticket.privacy is None:
        ticket.privacy = TicketPrivacy(added=[], kept=[], recording_for_pokja=False)
    return ticket, ticket.privacy


def _corrected(session: Session, ticket: Ticket, record: TicketPrivacy, user: Principal,
               note: str, tz: str) -> None:
    record.updated_at, record.updated_by_id = utcnow(), user.id
    # Bumps the ticket's version: a form rendered before this correction is refused.
    ticket.updated_at = utcnow()
    record_event(session, ticket, Actor.of(user), "edit", note, internal=True)
    concurrency.flush(session, ticket, tz)


def correct_mask(session: Session, user: Principal, number: str, c: MaskCorrection, *,
                 version: int | None, tz: str) -> Ticket:
    """Keep or drop the proposed phrases and add missed ones; audited (internal note, as
    it names what is masked)."""
    ticket, record = _anonim_desk_ticket(session, user, number, version, tz)
    current = privacy.masking(ticket)
    key = privacy.phrase_key
    typed = privacy.parse_phrases(c.added)
    wanted = {key(p) for p in (*c.masked, *typed)}
    found = {key(p) for p in current.found}
    added = [p for p in privacy.parse_phrases([*c.masked, *typed]) if key(p) not in found]
    kept = list({key(p): p for p in (*current.found, *current.kept)
                 if key(p) not in wanted}.values())
    if (added, kept) == (list(record.added or []), list(record.kept or [])):
        return ticket
    record.added, record.kept = added, kept
    _corrected(session, ticket, record, user,
               "Penyamaran diperiksa: disamarkan juga " + (", ".join(added) or "-")
               + "; tidak disamarkan " + (", ".join(kept) or "-") + ".", tz)
    return ticket


def write_outward_text(session: Session, user: Principal, number: str, text: str, *,
                       version: int | None, tz: str) -> Ticket:
    """The operator's own wording of the description for outside the call centre; empty:
    back to the computed mask. Refused while it still shows what the mask hides."""
    ticket, record = _anonim_desk_ticket(session, user, number, version, tz)
    wording = _text(text, "outward_text")
    if wording and wording == privacy.outward(ticket, ticket.description):
        wording = ""  # the proposal itself: nothing to store
    if wording:
        left = privacy.identity_left(ticket, wording)
        if left:
            raise InvalidInput("outward_text", f"Teks untuk pokja masih memuat identitas "
                               f"pelapor ({left}). Hapus atau samarkan dahulu.")
    if (wording or None) == privacy.written_outward(ticket):
        return ticket
    record.text = wording or None
    record.text_for = privacy.digest(ticket.description) if wording else None
    _corrected(session, ticket, record, user,
               "Teks samaran untuk pokja ditulis ulang." if wording
               else "Teks samaran untuk pokja kembali ke usulan sistem.", tz)
    return ticket


def open_recording(session: Session, user: Principal, number: str, allowed: bool, *,
                   version: int | None, tz: str) -> Ticket:
    """Whether the pokja may hear an anonim ticket's recording (its voice, often its
    name): the call centre decides, and the decision is in the audit trail."""
    ticket, record = _anonim_desk_ticket(session, user, number, version, tz)
    if record.recording_for_pokja == allowed:
        return ticket
    record.recording_for_pokja = allowed
    _corrected(session, ticket, record, user,
               "Rekaman tiket anonim dibuka untuk pokja." if allowed
               else "Rekaman tiket anonim ditutup kembali untuk pokja.", tz)
    return ticket
