"""Partner institutions: the admin's list, a pokja's question by signed link, the
partner's answer, and its return to the pokja (never to the reporter).

A link is 32 random bytes (URL-safe base64) sent once to the partner; only its sha256
is stored (as ``accounts.apikeys`` does for API keys). It opens one question about one
ticket, until it expires or the pokja revokes it. What the partner reads is what the
pokja chose when asking (:class:`Shares`), checked again when the page is drawn: the
reporter's identity and the recording never leave an anonim ticket.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import ColumnElement

from media.attachments import image_format
from media.recordings import inside, write_durably
from partners.events import PartnerAnswered, PartnerAsked
from partners.models import Partner, PartnerChange, PartnerPokja, PartnerRequest
from tickets import events, sla
from tickets.clock import utcnow
from tickets.contacts import email_address, phone_field
from tickets.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied
from tickets.lifecycle import AT_POKJA, Actor, Principal, record_event
from tickets.models import Pokja, RecordingStatus, Role, Ticket
from tickets.permissions import AGENCY_ROLES, require_role, viewable_ticket

MAX_QUESTION = 2_000
MAX_ANSWER = 4_000
MAX_NAME = 200
# A photo or a scanned letter; the request body limit of the app is above this.
MAX_FILE_BYTES = 5 * 1024 * 1024
DEFAULT_LINK_DAYS = 14
MAX_LINK_DAYS = 60
DEFAULT_ANSWER_DAYS = 3


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- the admin's list ------------------------------------------------------------------


def list_partners(session: Session, user: Principal) -> list[Partner]:
    require_role(user, Role.ADMIN)
    return list(session.scalars(select(Partner).options(selectinload(Partner.pokjas))
                                .order_by(Partner.name)))


def partner_history(session: Session, user: Principal) -> list[PartnerChange]:
    require_role(user, Role.ADMIN)
    return list(session.scalars(select(PartnerChange).order_by(PartnerChange.id.desc())
                                .limit(50)))


def save_partner(session: Session, admin: Principal, partner_id: int | None, *, name: str,
                 email: str, whatsapp: str, pokja_ids: list[int], active: bool = True
                 ) -> Partner:
    """Add or change a partner and the pokja that may ask it; each save is kept in the
    history with what it set."""
    require_role(admin, Role.ADMIN)
    name = (name or "").strip()
    if not name:
        raise InvalidInput("name", "Nama lembaga mitra wajib diisi.")
    if len(name) > MAX_NAME:
        raise InvalidInput("name", f"Nama terlalu panjang (maksimal {MAX_NAME} karakter).")
    address = email_address(email)
    number = phone_field(whatsapp, "whatsapp", "Nomor WhatsApp")
    if address is None and number is None:
        raise InvalidInput("email", "Isi email atau nomor WhatsApp lembaga mitra.")
    taken = session.scalar(select(Partner.id).where(Partner.name == name))
    if taken is not None and taken != partner_id:
        raise InvalidInput("name", "Nama lembaga mitra sudah dipakai.")
    pokjas = list(session.scalars(select(Pokja).where(Pokja.id.in_(set(pokja_ids)))))
    if len(pokjas) != len(set(pokja_ids)):
        raise InvalidInput("pokja_ids", "Pokja yang dipilih tidak dikenal.")
    if partner_id:
        partner = session.get(Partner, partner_id)
        if partner is None:
            raise NotFound("Lembaga mitra tidak ditemukan.")
    else:
        partner = Partner(name=name)
        session.add(partner)
    partner.name, partner.email, partner.whatsapp, partner.active = name, address, number, active
    session.flush()
    session.execute(delete(PartnerPokja).where(PartnerPokja.partner_id == partner.id))
    session.add_all(PartnerPokja(partner_id=partner.id, pokja_id=p.id) for p in pokjas)
    codes = ", ".join(sorted(p.code for p in pokjas)) or "-"
    session.add(PartnerChange(
        partner_id=partner.id, changed_by_id=admin.id, changed_by_label=admin.full_name,
        summary=(f"{'Diubah' if partner_id else 'Ditambahkan'}: {name}; email {address or '-'}; "
                 f"WhatsApp {number or '-'}; pokja {codes}; "
                 f"{'aktif' if active else 'nonaktif'}")))
    session.flush()
    session.expire(partner, ["pokjas"])
    return partner


def partners_for(session: Session, ticket: Ticket) -> list[Partner]:
    """The active partners the ticket's pokja may ask."""
    if ticket.pokja_id is None:
        return []
    return list(session.scalars(select(Partner).join(PartnerPokja).where(
        PartnerPokja.pokja_id == ticket.pokja_id, Partner.active.is_(True))
        .order_by(Partner.name)))


# --- the pokja's question ----------------------------------------------------------------


@dataclass(frozen=True)
class Shares:
    """What the partner may read beside the question. The default is the summary (the
    verified description and the location); the reporter and the recording only when
    chosen, and never on an anonim ticket."""

    description: bool = True
    location: bool = True
    reporter: bool = False
    recording: bool = False


def _agency_ticket(session: Session, user: Principal, number: str) -> Ticket:
    require_role(user, *AGENCY_ROLES)
    ticket = viewable_ticket(session, user, number)
    return ticket


def _days(value: int | None, default: int, upper: int, field: str) -> int:
    days = default if value is None else value
    if not 1 <= days <= upper:
        raise InvalidInput(field, f"Isi jumlah hari 1 sampai {upper}.")
    return days


def ask_partner(session: Session, user: Principal, number: str, partner_id: int | None,
                question: str, shares: Shares, *, link_for: Callable[[str], str], tz: str,
                link_days: int | None = None, answer_days: int | None = None,
                now: datetime | None = None) -> tuple[PartnerRequest, str]:
    """Send a question about ticket ``number`` to a partner; returns the request and the
    link's token (which is not stored). ``link_for`` turns a token into the address."""
    ticket = _agency_ticket(session, user, number)
    if ticket.status not in AT_POKJA:
        raise IllegalTransition("Lembaga mitra hanya dapat ditanya selama tiket ditindaklanjuti.")
    partner = session.get(Partner, partner_id) if partner_id else None
    if partner is None or partner not in partners_for(session, ticket):
        raise InvalidInput("partner_id", "Pilih lembaga mitra yang boleh dihubungi pokja ini.")
    text = (question or "").replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInput("question", "Tuliskan pertanyaan atau catatan untuk lembaga mitra.")
    if len(text) > MAX_QUESTION:
        raise InvalidInput("question", f"Pertanyaan terlalu panjang (maksimal {MAX_QUESTION} "
                           "karakter).")
    if ticket.anonim and (shares.reporter or shares.recording):
        raise InvalidInput("share", "Tiket anonim: identitas pelapor dan rekaman tidak boleh "
                           "dibagikan kepada lembaga mitra.")
    lifetime = _days(link_days, DEFAULT_LINK_DAYS, MAX_LINK_DAYS, "link_days")
    to_answer = _days(answer_days, DEFAULT_ANSWER_DAYS, lifetime, "answer_days")
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    assert ticket.pokja_id is not None
    req = PartnerRequest(
        ticket_id=ticket.id, partner_id=partner.id, pokja_id=ticket.pokja_id, question=text,
        share_description=shares.description, share_location=shares.location,
        share_reporter=shares.reporter, share_recording=shares.recording,
        token_hash=_digest(token), created_at=now, created_by_id=user.id,
        expires_at=now + timedelta(days=lifetime),
        due_at=sla.due_after(now, to_answer, tz))
    session.add(req)
    shown = [label for flag, label in ((shares.description, "uraian"),
                                       (shares.location, "lokasi"),
                                       (shares.reporter, "identitas pelapor"),
                                       (shares.recording, "rekaman")) if flag]
    record_event(session, ticket, Actor.of(user), "partner",
                 f"Ditanyakan kepada lembaga mitra {partner.name} (dibagikan: "
                 f"{', '.join(shown) or 'pertanyaan saja'}): {text}", shared_with=ticket.pokja_id)
    session.flush()
    events.publish(session, PartnerAsked(req.id, link_for(token)))
    return req, token


def requests_for(session: Session, user: Principal, ticket: Ticket) -> list[PartnerRequest]:
    """The partner questions of ``ticket`` its pokja (and the call centre) may read."""
    if user.role in AGENCY_ROLES and user.pokja_id != ticket.pokja_id:
        return []
    return list(session.scalars(select(PartnerRequest).where(
        PartnerRequest.ticket_id == ticket.id).options(selectinload(PartnerRequest.partner))
        .order_by(PartnerRequest.id)))


def _own_request(session: Session, user: Principal, number: str,
                 request_id: int | None) -> tuple[Ticket, PartnerRequest]:
    ticket = _agency_ticket(session, user, number)
    req = session.get(PartnerRequest, request_id) if request_id else None
    if req is None or req.ticket_id != ticket.id or req.pokja_id != user.pokja_id:
        raise NotFound("Permintaan kepada lembaga mitra tidak ditemukan.")
    return ticket, req


def revoke(session: Session, user: Principal, number: str, request_id: int | None,
           now: datetime | None = None) -> PartnerRequest:
    """The link stops working at once (its page answers 403)."""
    ticket, req = _own_request(session, user, number, request_id)
    if req.revoked_at is None:
        req.revoked_at = now or utcnow()
        req.revoked_by_id = user.id
        record_event(session, ticket, Actor.of(user), "partner",
                     f"Tautan untuk lembaga mitra {req.partner.name} dicabut.",
                     shared_with=req.pokja_id)
    session.flush()
    return req


def adopt(session: Session, user: Principal, number: str, request_id: int | None,
          now: datetime | None = None) -> tuple[Ticket, PartnerRequest]:
    """The pokja takes the partner's answer into its own answer text (the console puts
    it in the answer form); the answer then goes the normal way, through the head if
    the agency requires it. Marked once, in the audit trail."""
    ticket, req = _own_request(session, user, number, request_id)
    if req.answered_at is None:
        raise IllegalTransition("Lembaga mitra belum mengirim tanggapan.")
    if req.adopted_at is None:
        req.adopted_at = now or utcnow()
        record_event(session, ticket, Actor.of(user), "partner",
                     f"Tanggapan lembaga mitra {req.partner.name} dipakai untuk jawaban pokja.",
                     shared_with=req.pokja_id)
    session.flush()
    return ticket, req


def late_conditions(now: datetime) -> tuple[ColumnElement[bool], ...]:
    """A question past its due time, still open (not answered, revoked or expired): the
    reminders, the pokja's list and the dashboard's count."""
    return (PartnerRequest.answered_at.is_(None), PartnerRequest.revoked_at.is_(None),
            PartnerRequest.due_at < now, PartnerRequest.expires_at > now)


def overdue(session: Session, now: datetime, pokja_id: int | None = None
            ) -> list[PartnerRequest]:
    """Questions past their due time, still open (not answered, revoked or expired)."""
    query = select(PartnerRequest).where(*late_conditions(now))
    if pokja_id is not None:
        query = query.where(PartnerRequest.pokja_id == pokja_id)
    return list(session.scalars(query.order_by(PartnerRequest.due_at)))


# --- the partner's side: the link ------------------------------------------------------


class LinkRefused(PermissionDenied):
    """The link is known but no longer works (expired or revoked): 403."""


def by_token(session: Session, token: str, now: datetime | None = None) -> PartnerRequest:
    """The request a link opens: NotFound (404) for an unknown link, LinkRefused (403)
    for an expired or revoked one. One check: only the sha256 of a token this module
    made is stored, so anything else a link carries, of any form, matches no row."""
    req = session.scalar(select(PartnerRequest).where(
        PartnerRequest.token_hash == _digest(token or "")))
    if req is None:
        raise NotFound("Tautan ini tidak dikenal.")
    now = now or utcnow()
    if req.revoked_at is not None:
        raise LinkRefused("Tautan ini telah dicabut oleh pokja dan tidak dapat dipakai lagi.")
    if req.expires_at <= now:
        raise LinkRefused("Masa berlaku tautan ini telah habis. Hubungi pokja yang meminta "
                          "tanggapan Anda untuk tautan baru.")
    return req


@dataclass(frozen=True)
class PartnerView:
    """Everything a partner's page shows: built here, so a template cannot show more."""

    number: str
    pokja: str
    partner: str
    question: str
    category: str | None
    description: str | None
    location: str | None
    reporter_name: str | None
    reporter_phone: str | None
    recording_ids: tuple[int, ...]
    due_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    answer: str | None
    answered_by: str | None
    file_name: str | None


def view(req: PartnerRequest) -> PartnerView:
    t = req.ticket
    identity = req.share_reporter and not t.anonim
    recordings = (tuple(r.id for r in t.recordings
                        if r.status is RecordingStatus.STORED and r.path)
                  if req.share_recording and not t.anonim else ())
    return PartnerView(
        number=t.number, pokja=req.pokja.name, partner=req.partner.name, question=req.question,
        category=t.category.name if t.category else None,
        description=t.description if req.share_description else None,
        location=(t.location or t.address) if req.share_location else None,
        reporter_name=t.reporter_name if identity else None,
        reporter_phone=t.reporter_phone if identity else None,
        recording_ids=recordings, due_at=req.due_at, expires_at=req.expires_at,
        answered_at=req.answered_at, answer=req.answer, answered_by=req.answered_by,
        file_name=req.file_name)


def shared_recording(req: PartnerRequest, recording_id: int):  # type: ignore[no-untyped-def]
    """The ticket's recording ``recording_id`` if this link shares it, else NotFound."""
    if recording_id not in view(req).recording_ids:
        raise NotFound("Rekaman tidak ditemukan.")
    return next(r for r in req.ticket.recordings if r.id == recording_id)


@dataclass(frozen=True)
class Upload:
    """A file the partner attached, as the request carried it."""

    filename: str
    data: bytes


PDF = (".pdf", "application/pdf")


def check_file(upload: Upload) -> tuple[str, str]:
    """The stored extension and content type of an upload, from its own bytes: a photo
    (JPEG, PNG, WebP, the media pipeline's check) or a PDF, at most MAX_FILE_BYTES."""
    if not upload.data:
        raise InvalidInput("file", "Berkas kosong.")
    if len(upload.data) > MAX_FILE_BYTES:
        raise InvalidInput("file", f"Berkas terlalu besar (maksimal "
                           f"{MAX_FILE_BYTES // (1024 * 1024)} MB).")
    image = image_format(upload.data[:16])
    if image is not None:
        return image.extension, image.content_type
    if upload.data[:5] == b"%PDF-":
        return PDF
    raise InvalidInput("file", "Jenis berkas tidak diterima: kirim foto (JPG, PNG, WebP) "
                       "atau PDF.")


def _file_label(filename: str, extension: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._ -]", "_", Path(filename or "").name)[:80].strip() or "berkas"
    return stem if stem.lower().endswith(extension) else f"{stem}{extension}"


def submit_answer(session: Session, token: str, answer: str, answered_by: str,
                  upload: Upload | None, *, files_dir: Path,
                  now: datetime | None = None) -> PartnerRequest:
    """The partner's answer, and its file: kept for the pokja, never sent to the reporter.
    Checked whole before anything is written, so a refused file writes nothing."""
    req = by_token(session, token, now)
    if req.answered_at is not None:
        raise InvalidInput("answer", "Tanggapan untuk tautan ini sudah dikirim.")
    text = (answer or "").replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInput("answer", "Tanggapan wajib diisi.")
    if len(text) > MAX_ANSWER:
        raise InvalidInput("answer", f"Tanggapan terlalu panjang (maksimal {MAX_ANSWER} "
                           "karakter).")
    who = (answered_by or "").strip()
    if not who:
        raise InvalidInput("answered_by", "Tuliskan nama dan jabatan Anda.")
    if len(who) > MAX_NAME:
        raise InvalidInput("answered_by", f"Nama terlalu panjang (maksimal {MAX_NAME} "
                           "karakter).")
    if upload is not None:
        extension, content_type = check_file(upload)
        relative = Path("partners") / f"mitra-{req.id}{extension}"
        write_durably(files_dir, relative, upload.data)
        req.file_path, req.file_type = str(relative), content_type
        req.file_name = _file_label(upload.filename, extension)
        req.file_size = len(upload.data)
    req.answer, req.answered_by, req.answered_at = text, who, now or utcnow()
    record_event(session, req.ticket, Actor(f"{req.partner.name} (lembaga mitra)"), "partner",
                 f"Tanggapan lembaga mitra diterima dari {who}"
                 f"{' dengan lampiran' if upload is not None else ''}.",
                 shared_with=req.pokja_id)
    session.flush()
    events.publish(session, PartnerAnswered(req.id))
    return req


def answer_file(files_dir: Path, req: PartnerRequest) -> Path | None:
    if not req.file_path:
        return None
    path = inside(files_dir, Path(req.file_path))
    return path if path.is_file() else None
