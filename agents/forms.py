"""Reading the console's forms into plain values for the domain.

Errors are ``InvalidInput(field, message)`` in Indonesian, the same type the domain
raises, so a view shows either kind beside the field it names. Every form carries
the CSRF token (``csrf_token()`` in the templates); CSRFProtect checks it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from portal.publishing import PublicText
from tickets import sources
from tickets.clock import to_local, utcnow
from tickets.errors import InvalidInput, StaleTicket
from tickets.models import Channel, Status
from tickets.queue import Filters
from tickets.text import one_line
from tickets.workflow import DeskComplaint, Verification

Form = Mapping[str, str]


def optional_int(form: Form, name: str, message: str = "Pilihan tidak valid.") -> int | None:
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(name, message) from None


def checkbox(form: Form, name: str) -> bool:
    return form.get(name) in ("1", "on", "true", "y")


def parse_date(raw: str | None, field: str) -> date | None:
    """A ``YYYY-MM-DD`` date (what a date input sends), None when empty: every date a
    console form, the dashboard, an export link or the CLI is given is read here."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(field, "Tanggal harus berformat TTTT-BB-HH.") from None


def check_range(start: date | None, end: date | None) -> None:
    """Refuse a range that ends before it starts (an open end is no range to check)."""
    if start is not None and end is not None and end < start:
        raise InvalidInput("date_to", "Tanggal akhir tidak boleh sebelum tanggal awal.")


def channel(args: Form) -> Channel | None:
    raw = (args.get("channel") or "").strip()
    try:
        return Channel(raw) if raw else None
    except ValueError:
        raise InvalidInput("channel", "Saluran tidak dikenal.") from None


def filters(args: Form, default: tuple[Status, ...]) -> Filters:
    raw = (args.get("status") or "").strip()
    if raw == "semua":
        statuses: tuple[Status, ...] = ()
    elif raw:
        try:
            statuses = (Status(raw),)
        except ValueError:
            raise InvalidInput("status", "Status tidak dikenal.") from None
    else:
        statuses = default
    f = Filters(
        statuses=statuses,
        category_id=optional_int(args, "category_id"),
        pokja_id=optional_int(args, "pokja_id"),
        date_from=parse_date(args.get("date_from"), "date_from"),
        date_to=parse_date(args.get("date_to"), "date_to"),
        text=one_line(args.get("q"), 100),
        channel=channel(args),
    )
    check_range(f.date_from, f.date_to)
    return f


def version(form: Form) -> int:
    """The ticket version a page was rendered from; every ticket form carries it, so a
    form without one (crafted, or from an older page) is refused like a stale one."""
    raw = (form.get("version") or "").strip()
    if not raw.isdigit():
        raise StaleTicket("Formulir ini tidak dapat diproses; muat ulang halaman lalu ulangi.")
    return int(raw)


def verification(form: Form) -> Verification:
    return Verification(
        description=form.get("description", ""),
        category_id=optional_int(form, "category_id", "Kategori tidak dikenal."),
        pokja_id=optional_int(form, "pokja_id", "Pokja tidak dikenal."),
        priority=optional_int(form, "priority", "Prioritas tidak dikenal.") or 2,
        anonim=checkbox(form, "anonim"),
        rahasia=checkbox(form, "rahasia"),
    )


def source(form: Form, *, tz: str, now: datetime | None = None) -> sources.SourceDetails | None:
    """The desk form's "where it was found" fields (a post's link, handle and date)."""
    today = to_local(now or utcnow(), tz).date()
    return sources.parse(form.get("source"), form.get("source_link"),
                         form.get("source_author"),
                         parse_date(form.get("source_posted_on"), "source_posted_on"),
                         today=today)


def desk_complaint(form: Form, *, tz: str) -> DeskComplaint:
    return DeskComplaint(
        channel=form.get("channel", ""),
        description=form.get("description", ""),
        reporter_name=form.get("reporter_name", ""),
        reporter_phone=form.get("reporter_phone", ""),
        location=form.get("location", ""),
        category_id=optional_int(form, "category_id", "Kategori tidak dikenal."),
        pokja_id=optional_int(form, "pokja_id", "Pokja tidak dikenal."),
        anonim=checkbox(form, "anonim"),
        rahasia=checkbox(form, "rahasia"),
        source=source(form, tz=tz),
    )


def public_text(form: Form) -> PublicText:
    return PublicText(summary=form.get("public_summary", ""), address=form.get("address", ""))
