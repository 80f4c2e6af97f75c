"""Early warning: keyword groups managed by admins, matched on every complaint text, and
one alert per ticket and group through the outbox. The event model
(``analytics.event_alerts``) decides whether a text alarms; a group's ``mode`` makes its
match a feature only (``fitur``), an alarm whatever the model says (``selalu``: alerted
here as before) or a veto (``tidak``).

The alert is written in the transaction that stores the text (the transcript, the typed
complaint), so it is in the outbox the moment the transcript is; the delivery worker
sends it after that commit. ``ticket_alerts`` is unique on (ticket, group) and each
outbox row carries the key ``ew:<ticket>:<group>:<channel>:<recipient>``: a text
analysed twice alerts once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.models import User
from analytics import matching
from analytics.events import KINDS
from analytics.models import (
    GROUP_MODES,
    SEVERITY_LABELS,
    KeywordGroup,
    Severity,
    TicketAlert,
)
from analytics.text import Token, tokens
from notify import outbox
from tickets.clock import utcnow
from tickets.contacts import email_address, is_email, phone_field
from tickets.db import insert_ignore
from tickets.errors import InvalidInput, NotFound
from tickets.lifecycle import Principal
from tickets.models import Pokja, Role, Ticket
from tickets.permissions import require_role
from tickets.text import one_line, printable

CHANNELS = ("email", "whatsapp", "sms")
CHANNEL_LABELS = {"email": "E-mail", "whatsapp": "WhatsApp", "sms": "SMS"}
SOURCE_LABELS = {"transkrip": "transkrip rekaman", "pengaduan": "pengaduan tertulis",
                 "uraian": "uraian terverifikasi", "pesan": "pesan pelapor",
                 "balasan": "penjelasan pelapor (dibuka kembali)"}
MAX_WORDS = 200


@dataclass(frozen=True)
class GroupForm:
    name: str
    words: str
    severity: str = Severity.HIGH.value
    notify_supervisors: bool = True
    pokja_id: int | None = None
    user_ids: Sequence[int] = ()
    extra_contacts: str = ""
    channels: Sequence[str] = ("email", "whatsapp")
    active: bool = True
    mode: str = "fitur"
    kinds: Sequence[str] = ()


def list_groups(session: Session, user: Principal) -> list[KeywordGroup]:
    require_role(user, Role.ADMIN)
    return list(session.scalars(select(KeywordGroup).order_by(KeywordGroup.name)))


def _contacts(raw: str) -> list[str]:
    """E-mail addresses and phone numbers, one per line (or comma-separated), checked."""
    out: list[str] = []
    for item in raw.replace(",", "\n").splitlines():
        item = item.strip()
        if not item:
            continue
        if "@" in item:
            address = email_address(item, "extra_contacts")
            assert address is not None
            out.append(address)
        else:
            number = phone_field(item, "extra_contacts", f"Nomor {item}")
            assert number is not None
            out.append(number)
    return list(dict.fromkeys(out))


def save_group(session: Session, admin: Principal, group_id: int | None,
               f: GroupForm) -> KeywordGroup:
    """Create or change a keyword group; every field is checked here."""
    require_role(admin, Role.ADMIN)
    name = one_line(f.name)
    if not name or len(name) > 100:
        raise InvalidInput("name", "Nama kelompok wajib diisi (maksimal 100 karakter).")
    words = [one_line(w) for w in printable(f.words).replace(",", "\n").splitlines()]
    words = list(dict.fromkeys(w for w in words if w))
    if not words or not matching.phrases(words):
        raise InvalidInput("words", "Tuliskan minimal satu kata atau frasa (satu per baris).")
    if len(words) > MAX_WORDS or any(len(w) > 100 for w in words):
        raise InvalidInput("words", f"Maksimal {MAX_WORDS} kata/frasa, masing-masing "
                           "100 karakter.")
    try:
        severity = Severity(f.severity)
    except ValueError:
        raise InvalidInput("severity", "Tingkat keparahan tidak dikenal.") from None
    channels = [c for c in CHANNELS if c in set(f.channels)]
    if set(f.channels) - set(CHANNELS) or not channels:
        raise InvalidInput("channels", "Pilih minimal satu saluran: e-mail, WhatsApp atau SMS.")
    pokja = session.get(Pokja, f.pokja_id) if f.pokja_id else None
    if f.pokja_id and pokja is None:
        raise InvalidInput("pokja_id", "Pokja tidak dikenal.")
    users = list(session.scalars(select(User).where(User.id.in_(list(f.user_ids)))))
    if len(users) != len(set(f.user_ids)):
        raise InvalidInput("user_ids", "Pengguna tidak dikenal.")
    contacts = _contacts(f.extra_contacts)
    if not (f.notify_supervisors or pokja or users or contacts):
        raise InvalidInput("notify_supervisors", "Pilih siapa yang diberi peringatan.")
    if f.mode not in GROUP_MODES:
        raise InvalidInput("mode", "Pilih cara kerja kelompok: model memutuskan, selalu "
                           "alarm, atau tidak pernah alarm.")
    if set(f.kinds) - set(KINDS):
        raise InvalidInput("kinds", "Jenis kejadian tidak dikenal.")
    taken = session.scalar(select(KeywordGroup.id).where(KeywordGroup.name == name))
    if taken is not None and taken != group_id:
        raise InvalidInput("name", "Nama kelompok sudah dipakai.")
    if group_id:
        group = session.get(KeywordGroup, group_id)
        if group is None:
            raise NotFound("Kelompok kata kunci tidak ditemukan.")
    else:
        group = KeywordGroup()
        session.add(group)
    group.name, group.words, group.severity = name, "\n".join(words), severity
    group.notify_supervisors, group.pokja = f.notify_supervisors, pokja
    group.users = users
    group.extra_contacts = "\n".join(contacts)
    group.channels = ",".join(channels)
    group.active = f.active
    group.mode = f.mode
    group.kinds = ",".join(k for k in KINDS if k in set(f.kinds))
    session.flush()
    return group


def delete_group(session: Session, admin: Principal, group_id: int) -> None:
    """Remove a group with its matches (the alerts already sent stay in the outbox)."""
    require_role(admin, Role.ADMIN)
    group = session.get(KeywordGroup, group_id)
    if group is None:
        raise NotFound("Kelompok kata kunci tidak ditemukan.")
    for alert in session.scalars(select(TicketAlert).where(TicketAlert.group_id == group_id)):
        session.delete(alert)
    session.delete(group)
    session.flush()


# --- matching --------------------------------------------------------------------------

@dataclass
class GroupMatch:
    group: KeywordGroup
    heard: list[str] = field(default_factory=list)


def match_groups(groups: Iterable[KeywordGroup], text: str | Sequence[Token]) -> list[GroupMatch]:
    """The groups whose words occur in ``text``, each with the words as they stand there."""
    toks = tokens(text) if isinstance(text, str) else list(text)
    out = []
    for group in groups:
        hits = matching.find(text if isinstance(text, str) else toks,
                             matching.phrases(group.word_list))
        if hits:
            heard = list(dict.fromkeys(h.heard for h in hits))
            # "perkelahian" inside "perkelahian antar warga": the longer one says it all.
            heard = [h for h in heard if not any(h != o and h in o for o in heard)]
            out.append(GroupMatch(group, heard))
    return out


def active_groups(session: Session) -> list[KeywordGroup]:
    return list(session.scalars(select(KeywordGroup).where(KeywordGroup.active.is_(True))
                                .order_by(KeywordGroup.id)))


@dataclass(frozen=True)
class AlertPolicy:
    console_url: str | None
    agency: str


def weighed(severity: Severity, trusted: bool) -> Severity:
    """A trusted community reporter's report weighs one level more (Halo Kesbang's
    "deteksi dini": the RT head knows the area), up to critical."""
    if not trusted:
        return severity
    order = list(Severity)
    return order[min(len(order) - 1, order.index(severity) + 1)]


def recipients(session: Session, group: KeywordGroup,
               trusted: bool = False) -> tuple[list[str], list[str]]:
    """E-mail addresses and phone numbers (WhatsApp/SMS) of whoever the group alerts; a
    trusted reporter's report reaches the supervisors whatever the group says."""
    emails: list[str] = []
    numbers: list[str] = []
    people: list[User] = list(group.users)
    if group.notify_supervisors or trusted:
        people += list(session.scalars(select(User).where(
            User.role == Role.SUPERVISOR, User.active.is_(True))))
    if group.pokja is not None and group.pokja.active:
        emails += [group.pokja.email] if group.pokja.email else []
        numbers += [group.pokja.whatsapp] if group.pokja.whatsapp else []
        people += list(session.scalars(select(User).where(
            User.pokja_id == group.pokja.id, User.role == Role.POKJA, User.active.is_(True))))
    emails += [u.email for u in people if u.active and u.email]
    for contact in group.extra_contacts.splitlines():
        (emails if is_email(contact) else numbers).append(contact)
    return list(dict.fromkeys(emails)), list(dict.fromkeys(numbers))


def _message(ticket: Ticket, m: GroupMatch, source: str, location: str | None,
             policy: AlertPolicy, trusted: str | None = None) -> tuple[str, str]:
    """(subject, body) of the alert; a rahasia ticket's words are not quoted."""
    severity = SEVERITY_LABELS[weighed(m.group.severity, trusted is not None)]
    who = " · pelapor terpercaya" if trusted else ""
    subject = (f"[Deteksi dini · {m.group.name} · {severity}{who}] Tiket {ticket.number} "
               f"- {policy.agency}")
    if ticket.rahasia:
        said = f"cocok dengan kelompok {m.group.name} (tiket rahasia: isi tidak dikutip)"
    else:
        said = "menyebut " + ", ".join(f"\"{w}\"" for w in m.heard[:5])
    body = (f"Deteksi dini {m.group.name} (tingkat {severity}): tiket {ticket.number} "
            f"{said} dalam {SOURCE_LABELS.get(source, source)}. "
            f"Lokasi: {location or 'belum diketahui'}.")
    if trusted:
        body += f" Dilaporkan oleh pelapor terpercaya: {trusted}."
    if policy.console_url:
        body += f" Buka: {policy.console_url}/tiket/{ticket.number}"
    return subject, body


def alert(session: Session, ticket: Ticket, matches: Sequence[GroupMatch], source: str,
          policy: AlertPolicy, location: str | None = None,
          trusted: str | None = None) -> list[TicketAlert]:
    """Record each group's first match on ``ticket`` and write its alerts to the outbox;
    a group that matched this ticket before writes nothing. ``trusted`` names the trusted
    community reporter the ticket came from: the alert weighs one level more."""
    created = []
    for m in matches:
        alert_id = insert_ignore(session, TicketAlert.__table__, {  # type: ignore[arg-type]
            "ticket_id": ticket.id, "group_id": m.group.id, "matched": m.heard,
            "source": source, "created_at": utcnow()}, ["ticket_id", "group_id"])
        if alert_id is None:
            continue
        subject, body = _message(ticket, m, source, location, policy, trusted)
        emails, numbers = recipients(session, m.group, trusted is not None)
        channels = m.group.channel_list
        rows: list[tuple[str, str]] = []
        if "email" in channels:
            rows += [("email", e) for e in emails]
        for channel in ("whatsapp", "sms"):
            if channel in channels:
                rows += [(channel, n) for n in numbers]
        for channel, recipient in rows:
            outbox.add(session, channel=channel, recipient=recipient, body=body,
                       subject=subject if channel == "email" else None,
                       event="early_warning", ticket_id=ticket.id,
                       key=f"ew:{ticket.id}:{m.group.id}:{channel}:{recipient}")
        found = session.get(TicketAlert, alert_id)
        assert found is not None
        created.append(found)
    return created
