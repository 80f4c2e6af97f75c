"""GeoReport v2 resources as plain data, and a filed request as a ticket.

Every value from a client is checked here, where it enters; a wrong one is an
``ApiError`` (HTTP status + Indonesian description) and nothing is written.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.models import ApiKey
from portal.publishing import is_public
from portal.services import (
    MAX_SPAN,
    RequestQuery,
    due_at,
    pokja_name,
    public_address,
    status_label,
)
from tickets import numbering
from tickets.clock import to_local
from tickets.contacts import email_address, phone_field
from tickets.errors import InvalidInput
from tickets.lifecycle import ENDED, Actor
from tickets.models import Category, Channel, Ticket
from tickets.privacy import outward
from tickets.services import create_ticket
from tickets.text import clean_text

MAX_DESCRIPTION = 4_000
MAX_NAME = 100
SERVICE_NOTICE = ("Pengaduan diterima. Operator call center memverifikasinya dalam 3 hari "
                  "kerja, lalu meneruskannya ke pokja yang berwenang.")


class ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def iso(at: datetime | None, tz: str) -> str | None:
    """ISO 8601 with the office's offset: ``2026-12-01T08:00:00+07:00``."""
    return None if at is None else to_local(at, tz).isoformat(timespec="seconds")


def active_categories(session: Session) -> list[Category]:
    return list(session.scalars(select(Category).where(Category.active.is_(True))
                                .order_by(Category.id)))


def service(category: Category) -> dict[str, Any]:
    # The category's id is its service_code: it never changes, whatever the name becomes.
    return {"service_code": str(category.id), "service_name": category.name,
            "description": f"Pengaduan tentang {category.name.lower()}.", "metadata": False,
            "type": "realtime", "keywords": "",
            "group": category.pokja.name if category.pokja else ""}


def category_for(session: Session, code: str) -> Category | None:
    code = code.strip()
    if not code.isdigit() or len(code) > 9:
        return None
    category = session.get(Category, int(code))
    return category if category is not None and category.active else None


def service_request(ticket: Ticket, tz: str, place: str | None = None) -> dict[str, Any]:
    """One request as the public may read it: never the reporter, the transcript or the
    description; the public summary only once published; ``address`` the ticket's, else
    its known ``place`` (``portal.services.public_address``)."""
    category = ticket.category
    return {
        "service_request_id": ticket.number,
        "status": "closed" if ticket.status in ENDED else "open",
        "status_notes": status_label(ticket),
        "service_name": category.name if category else None,
        "service_code": str(category.id) if category else None,
        "description": outward(ticket, ticket.public_summary) if is_public(ticket) else None,
        "agency_responsible": pokja_name(ticket),
        "service_notice": None,
        "requested_datetime": iso(ticket.created_at, tz),
        "updated_datetime": iso(ticket.updated_at, tz),
        "expected_datetime": iso(due_at(ticket), tz),
        "address": public_address(ticket, place),
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _date(raw: str, name: str, tz: str) -> datetime:
    text = raw.strip()
    if re.search(r"T[\d:.]+ \d\d:?\d\d$", raw):
        # "+07:00" sent unencoded in a query string arrives as " 07:00".
        text = text[:-6] + "+" + text[-5:] if text[-3] == ":" else text[:-5] + "+" + text[-4:]
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ApiError(400, f"{name} harus tanggal ISO 8601, mis. "
                            "2026-12-01T00:00:00+07:00.") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value.astimezone(UTC).replace(tzinfo=None)


def request_query(session: Session, args: Mapping[str, str], tz: str) -> RequestQuery:
    """The filters of ``GET requests``; ``service_request_id`` overrides the others."""
    raw_ids = (args.get("service_request_id") or "").strip()
    if raw_ids:
        ids = tuple(i.strip() for i in raw_ids.split(",") if i.strip())
        if len(ids) > 100 or not all(numbering.is_valid(i) for i in ids):
            raise ApiError(400, "service_request_id harus daftar nomor tiket 8 angka "
                                "dipisah koma (paling banyak 100).")
        return RequestQuery(numbers=ids)
    category_id = None
    if code := (args.get("service_code") or "").strip():
        if not code.isdigit() or len(code) > 9:
            raise ApiError(400, "service_code tidak dikenal.")
        category_id = int(code)
    start = _date(args["start_date"], "start_date", tz) if args.get("start_date") else None
    end = _date(args["end_date"], "end_date", tz) if args.get("end_date") else None
    if start and end and end < start:
        raise ApiError(400, "end_date tidak boleh sebelum start_date.")
    if start and end and end - start > MAX_SPAN:
        raise ApiError(400, "Rentang start_date sampai end_date paling lama 90 hari.")
    closed = None
    if raw := (args.get("status") or "").strip().lower():
        wanted = {s.strip() for s in raw.split(",")}
        if not wanted <= {"open", "closed"}:
            raise ApiError(400, "status harus open, closed, atau keduanya.")
        closed = None if len(wanted) == 2 else "closed" in wanted
    return RequestQuery(category_id=category_id, start=start, end=end, closed=closed)


@dataclass(frozen=True)
class Filed:
    ticket: Ticket
    account_id: str | None


def _text(form: Mapping[str, str], name: str, limit: int, *, multiline: bool = False) -> str:
    """A field as ``tickets.text`` accepts it; one line unless ``multiline``."""
    try:
        return clean_text(form.get(name), field=name, max_len=limit, label=name,
                          multiline=multiline)
    except InvalidInput as exc:
        raise ApiError(400, exc.message) from None


def _location(form: Mapping[str, str]) -> str:
    address = _text(form, "address_string", 300)
    lat, lon = (form.get("lat") or "").strip(), (form.get("long") or "").strip()
    if lat or lon:
        try:
            la, lo = float(lat), float(lon)
        except ValueError:
            raise ApiError(400, "lat dan long harus angka desimal.") from None
        if not (math.isfinite(la) and math.isfinite(lo) and -90 <= la <= 90
                and -180 <= lo <= 180):
            raise ApiError(400, "lat/long di luar jangkauan.")
        if not address:
            address = f"{la:.6f}, {lo:.6f}"
    address_id = _text(form, "address_id", 100)
    if not address and address_id:
        address = address_id
    if not address:
        raise ApiError(400, "Lokasi wajib: lat dan long, address_string, atau address_id.")
    return address


def file_request(session: Session, key: ApiKey, form: Mapping[str, str], tz: str) -> Filed:
    """``POST requests``: a ticket awaiting verification, on the open311 channel."""
    category = category_for(session, form.get("service_code") or "")
    if category is None:
        raise ApiError(400, "service_code wajib diisi dengan layanan yang aktif.")
    address = _location(form)
    description = _text(form, "description", MAX_DESCRIPTION, multiline=True)
    if not description:
        raise ApiError(400, "description wajib diisi: uraikan pengaduannya.")
    try:
        email = email_address(form.get("email"), "email")
        phone = phone_field(form.get("phone"), "phone")
    except InvalidInput as exc:
        raise ApiError(400, f"{exc.field}: {exc.message}") from None
    name = " ".join(p for p in (_text(form, "first_name", MAX_NAME),
                                _text(form, "last_name", MAX_NAME)) if p)
    media = _text(form, "media_url", 500)
    note = f"Diterima lewat Open311 ({key.label})." + (f" Lampiran: {media}" if media else "")
    ticket = create_ticket(session, channel=Channel.OPEN311, actor=Actor(f"Open311: {key.label}"),
                           tz=tz, category=category, reporter_name=name or None,
                           reporter_phone=phone, description=description, note=note)
    ticket.address = address
    ticket.reporter_email = email
    session.flush()
    return Filed(ticket, _text(form, "account_id", 100) or None)
