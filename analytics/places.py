"""The gazetteer (kecamatan and desa/kelurahan) and the location of a ticket.

Names are found in a complaint's text by :mod:`analytics.gazetteer` (no database:
the command line uses it on the demo CSV), tolerant of recognition errors, with the
regency's own names kept apart from its kecamatan and common-word desa names read where
the text places them; after ``kecamatan``/``kec`` a name is read as a kecamatan, after
``desa``/``kelurahan`` as a desa. A desa's name shared by two kecamatan is settled by a
kecamatan named in the same text, else it is left open.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from analytics.gazetteer import DESA_CUES, KEC_CUES, Entry, Gazetteer, regency_names
from analytics.models import Place, PlaceKind, TicketPlace
from tickets import concurrency
from tickets.clock import utcnow
from tickets.errors import IllegalTransition, InvalidInput
from tickets.lifecycle import EDITABLE_AT_DESK, Actor, Principal, record_event
from tickets.models import HotlineSetting, Role, Ticket
from tickets.permissions import desk_ticket, require_role
from tickets.text import one_line

__all__ = ["DESA_CUES", "KEC_CUES"]  # the cues, re-exported for earlier importers
# Where a ticket's place came from (``TicketPlace.source``), lowest rank first: found in
# the complaint's text, the trusted reporter's own desa (``reporters``), the operator's
# choice. A place is replaced only by one of the same or a higher rank (see
# :func:`write_place`).
AUTO, REPORTER, OPERATOR = "otomatis", "pelapor_rt", "operator"
RANK = {AUTO: 0, REPORTER: 1, OPERATOR: 2}
CSV_HEADER = ("kecamatan", "desa", "kode_pos", "alias")
MAX_CSV_BYTES = 2_000_000


def kecamatan_list(session: Session) -> list[Place]:
    return list(session.scalars(select(Place).where(Place.kind == PlaceKind.KECAMATAN)
                                .order_by(Place.name)))


def desa_list(session: Session) -> list[Place]:
    return list(session.scalars(select(Place).where(Place.kind == PlaceKind.DESA)
                                .order_by(Place.name)))


def label(kecamatan: Place | None, desa: Place | None) -> str | None:
    """``Desa Lapeo, Kecamatan Campalagian``; None when neither is known."""
    parts = ([f"Desa/Kel. {desa.name}"] if desa else []) + (
        [f"Kecamatan {kecamatan.name}"] if kecamatan else [])
    return ", ".join(parts) or None


# --- the admin's list ------------------------------------------------------------------

def split_name(raw: str, field: str) -> tuple[str, list[str]]:
    """``Alu (Allu)`` -> ("Alu", ["Allu"]): the register writes other spellings so."""
    text = one_line(raw)
    aliases: list[str] = []
    if text.endswith(")") and "(" in text:
        text, _, rest = text.partition("(")
        aliases = [a.strip() for a in rest.rstrip(")").split("/") if a.strip()]
        text = text.strip()
    if not text or len(text) > 100:
        raise InvalidInput(field, "Nama wilayah wajib diisi (maksimal 100 karakter).")
    return text, aliases


def save_place(session: Session, admin: Principal, place_id: int | None, *, name: str,
               parent_id: int | None, aliases: str = "", postal_code: str = "",
               active: bool = True) -> Place:
    """A kecamatan (no parent) or a desa/kelurahan under its kecamatan."""
    require_role(admin, Role.ADMIN)
    clean, more = split_name(name, "name")
    parent = session.get(Place, parent_id) if parent_id else None
    if parent_id and (parent is None or parent.kind is not PlaceKind.KECAMATAN):
        raise InvalidInput("parent_id", "Kecamatan tidak dikenal.")
    code = postal_code.strip()
    if code and not (code.isdigit() and len(code) == 5):
        raise InvalidInput("postal_code", "Kode pos terdiri dari 5 angka.")
    kind = PlaceKind.DESA if parent else PlaceKind.KECAMATAN
    taken = session.scalar(select(Place.id).where(
        Place.kind == kind, Place.name == clean,
        Place.parent_id == parent.id if parent else Place.parent_id.is_(None)))
    if taken is not None and taken != place_id:
        raise InvalidInput("name", f"{clean} sudah ada di daftar.")
    if place_id:
        place = session.get(Place, place_id)
        if place is None:
            raise InvalidInput("place_id", "Wilayah tidak ditemukan.")
        if place.kind is not kind:
            raise InvalidInput("parent_id", "Kecamatan tidak dapat diubah menjadi desa "
                               "atau sebaliknya.")
    else:
        place = Place(kind=kind)
        session.add(place)
    alias_lines = [*more, *(a.strip() for a in aliases.replace(",", "\n").splitlines())]
    place.name, place.parent = clean, parent
    place.aliases = "\n".join(dict.fromkeys(a for a in alias_lines if a and a != clean))
    place.postal_code, place.active = code or None, active
    session.flush()
    return place


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def import_csv(session: Session, admin: Principal, data: bytes | str) -> ImportResult:
    """Rows ``kecamatan,desa,kode_pos,alias`` (a header row first; ``desa`` empty for a
    kecamatan alone). Existing places are updated, none removed. A file with any bad row
    raises InvalidInput naming the rows (the boundary then rolls the file back)."""
    require_role(admin, Role.ADMIN)
    if isinstance(data, bytes):
        if len(data) > MAX_CSV_BYTES:
            raise InvalidInput("file", "Berkas terlalu besar (maksimal 2 MB).")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("file", "Berkas harus CSV berkode UTF-8.") from None
    rows = list(csv.reader(io.StringIO(data)))
    if not rows or tuple(c.strip().lower() for c in rows[0][:2]) != CSV_HEADER[:2]:
        raise InvalidInput("file", "Baris pertama harus berisi judul kolom: "
                           + ",".join(CSV_HEADER) + ".")
    header = [c.strip().lower() for c in rows[0]]
    result = ImportResult()
    kecamatan = {p.name.lower(): p for p in kecamatan_list(session)}
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        values = dict(zip(header, (c.strip() for c in row), strict=False))
        try:
            kec_name, kec_alias = split_name(values.get("kecamatan", ""), "file")
            kec = kecamatan.get(kec_name.lower())
            desa = values.get("desa", "")
            if kec is None:
                kec = save_place(session, admin, None, name=kec_name, parent_id=None,
                                 aliases="\n".join(kec_alias))
                kecamatan[kec_name.lower()] = kec
                result.added += 1
            if not desa:
                continue
            desa_name, _ = split_name(desa, "file")
            existing = session.scalar(select(Place.id).where(
                Place.kind == PlaceKind.DESA, Place.parent_id == kec.id,
                Place.name == desa_name))
            save_place(session, admin, existing, name=desa, parent_id=kec.id,
                       aliases=values.get("alias", "").replace("|", "\n"),
                       postal_code=values.get("kode_pos", ""))
            if existing:
                result.updated += 1
            else:
                result.added += 1
        except InvalidInput as exc:
            result.errors.append(f"baris {line}: {exc.message}")
    if result.errors:
        # The boundary rolls the whole file back.
        more = f" (dan {len(result.errors) - 10} baris lain)" if len(result.errors) > 10 else ""
        raise InvalidInput("file", "Berkas tidak diimpor: " + "; ".join(result.errors[:10])
                           + more + ".")
    return result


# --- finding places in a text ----------------------------------------------------------

@dataclass(frozen=True)
class Found:
    kecamatan: Place | None
    desa: Place | None
    heard: str


def gazetteer(session: Session) -> Gazetteer:
    """The active places as a :class:`analytics.gazetteer.Gazetteer` (the finding is
    there, shared with the command line); the regency's names from the agency's name."""
    places = list(session.scalars(select(Place).where(Place.active.is_(True))
                                  .order_by(Place.id)))
    entries = [Entry(p.id, p.kind.value, p.name, tuple(p.names[1:]), p.parent_id)
               for p in places]
    agency = session.scalar(select(HotlineSetting.value)
                            .where(HotlineSetting.key == "agency_name")) or ""
    kecamatan = [p.name for p in places if p.kind is PlaceKind.KECAMATAN]
    return Gazetteer(entries, regency_names(agency, kecamatan))


def find_place(session: Session, text: str) -> Found | None:
    """The kecamatan and desa named in ``text``; None when none is (a text that names
    only the regency, "Kabupaten Polewali Mandar", "kantor bupati", names no kecamatan)."""
    match = gazetteer(session).find(text)
    if match is None or (match.kecamatan is None and match.desa is None):
        return None
    kec = session.get(Place, match.kecamatan.id) if match.kecamatan else None
    desa = session.get(Place, match.desa.id) if match.desa else None
    return Found(kec, desa, match.heard)


def _kept(current: TicketPlace, source: str) -> bool:
    """Whether ``current`` stays against a place from ``source`` (:func:`write_place`)."""
    return (RANK[source] < RANK.get(current.source, RANK[OPERATOR])
            or (source == AUTO and current.desa is not None))


def write_place(session: Session, ticket: Ticket, kecamatan: Place | None,
                desa: Place | None, *, source: str, heard: str | None = None
                ) -> TicketPlace:
    """The one writer of ``ticket``'s place; returns the place as it then stands.

    A place from a lower-ranked source never replaces a higher one: the text's never
    replaces the reporter's desa or the operator's choice, the reporter's desa never the
    operator's; the operator's always wins. A text only refines a place from a text (a
    kecamatan to a desa), never replaces a known desa. The caller keeps the location text
    and flushes (the analytics listener must not flush early)."""
    current = session.get(TicketPlace, ticket.id)
    if current is not None and _kept(current, source):
        return current
    if current is None:
        current = TicketPlace(ticket_id=ticket.id)
        session.add(current)
    current.kecamatan, current.desa, current.source = kecamatan, desa, source
    current.heard, current.updated_at = heard[:200] if heard else None, utcnow()
    return current


def fill_location(session: Session, ticket: Ticket, text: str) -> TicketPlace | None:
    """Set ``ticket``'s place from ``text`` as far as :func:`write_place` lets a text; a
    ticket without a typed location gets the place's name as its location."""
    current = session.get(TicketPlace, ticket.id)
    if current is not None and _kept(current, AUTO):
        return current  # nothing a text could change: no need to look for a place
    found = find_place(session, text)
    if found is None:
        return current
    current = write_place(session, ticket, found.kecamatan, found.desa, source=AUTO,
                          heard=found.heard)
    if not ticket.location:
        ticket.location = label(found.kecamatan, found.desa)
    return current


def labels(session: Session, ticket_ids: Sequence[int]) -> dict[int, str]:
    """The known place of each of ``ticket_ids`` that has one, as :func:`label` writes it
    (``portal.services.PlaceLabels``: what Open311 and /jawaban show without an address)."""
    if not ticket_ids:
        return {}
    out = {}
    for p in session.scalars(select(TicketPlace).where(TicketPlace.ticket_id.in_(
            list(ticket_ids))).options(selectinload(TicketPlace.kecamatan),
                                       selectinload(TicketPlace.desa))):
        text = label(p.kecamatan, p.desa)
        if text:
            out[p.ticket_id] = text
    return out


def set_location(session: Session, user: Principal, number: str, kecamatan_id: int | None,
                 desa_id: int | None, *, version: int | None, tz: str) -> Ticket:
    """The operator corrects (or clears) the place; the location text follows it."""
    ticket = desk_ticket(session, user, number, version, tz)
    if ticket.status not in EDITABLE_AT_DESK:
        raise IllegalTransition(f"Lokasi tiket {ticket.number} tidak dapat diubah lagi.")
    desa = session.get(Place, desa_id) if desa_id else None
    if desa_id and (desa is None or desa.kind is not PlaceKind.DESA):
        raise InvalidInput("desa_id", "Desa/kelurahan tidak dikenal.")
    kec = session.get(Place, kecamatan_id) if kecamatan_id else None
    if kecamatan_id and (kec is None or kec.kind is not PlaceKind.KECAMATAN):
        raise InvalidInput("kecamatan_id", "Kecamatan tidak dikenal.")
    if desa is not None:
        if kec is not None and desa.parent_id != kec.id:
            raise InvalidInput("desa_id", f"{desa.name} tidak berada di Kecamatan {kec.name}.")
        kec = desa.parent
    write_place(session, ticket, kec, desa, source=OPERATOR)
    ticket.location = label(kec, desa)
    record_event(session, ticket, Actor.of(user), "edit",
                 f"Lokasi: {ticket.location or '-'}.")
    concurrency.flush(session, ticket, tz)
    return ticket


def places_tree(session: Session) -> list[tuple[Place, list[Place]]]:
    desas: dict[int | None, list[Place]] = {}
    for d in desa_list(session):
        desas.setdefault(d.parent_id, []).append(d)
    return [(k, desas.get(k.id, [])) for k in kecamatan_list(session)]
