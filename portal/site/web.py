"""The public blueprint and what its pages share: the session, the hotline's contact
details, Indonesian dates, error pages and the headers of a public page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, current_app, render_template
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound, TooManyRequests
from werkzeug.wrappers import Response

from portal.site.config import PublicConfig
from tickets.clock import to_local, utcnow
from tickets.contacts import readable_phone
from tickets.reference import hotline_settings
from tickets.sla import TZ_NAMES, OfficeHours

bp = Blueprint("public", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/public")

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")


def cfg() -> PublicConfig:
    return current_app.extensions["public"]  # type: ignore[no-any-return]


def db() -> Session:
    return cfg().db()


def hotline() -> dict[str, Any]:
    """The contact details the site shows, from the console-editable hotline settings."""
    settings = hotline_settings(db(), cfg().hotline_defaults)
    hours = OfficeHours.parse(settings["office_hours"])
    zone = TZ_NAMES.get(cfg().timezone, cfg().timezone)
    return {
        "agency": settings["agency_name"],
        "number": readable_phone(cfg().settings.hotline_number),
        "number_e164": cfg().settings.hotline_number,
        "whatsapp": readable_phone(cfg().settings.whatsapp_number),
        "whatsapp_digits": (cfg().settings.whatsapp_number or "").lstrip("+"),
        "hours": f"{hours.days_phrase()}, pukul {hours.opens}-{hours.closes} {zone}",
    }


def local_date(at: datetime | None, with_time: bool = False) -> str:
    """``1 Desember 2026`` (``, 14.05 WIB`` with the time) in the office's zone."""
    if at is None:
        return "-"
    local = to_local(at, cfg().timezone)
    text = f"{local.day} {MONTHS[local.month - 1]} {local.year}"
    if with_time:
        text += f", {local:%H.%M} {TZ_NAMES.get(cfg().timezone, '')}".rstrip()
    return text


@bp.context_processor
def _shared() -> dict[str, Any]:
    return {"hotline": hotline(), "tanggal": local_date, "now": utcnow}


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(f"public/{template}", **context), status


@bp.after_request
def _public_headers(response: Response) -> Response:
    # Public pages hold nothing private, but a tracking answer must not sit in a shared
    # cache; the answers pages may be cached briefly.
    response.headers.setdefault("Cache-Control", "public, max-age=60")
    return response


@bp.errorhandler(NotFound)
def _not_found(_exc: NotFound) -> tuple[str, int]:
    return page("error.html", 404, title="Halaman tidak ditemukan",
                message="Halaman yang Anda cari tidak ada.")


@bp.errorhandler(TooManyRequests)
def _too_many(_exc: TooManyRequests) -> Response:
    # Flask-Limiter adds Retry-After and the X-RateLimit-* headers to this response.
    response = current_app.make_response(page(
        "error.html", 429, title="Terlalu banyak permintaan",
        message="Anda sudah terlalu sering mencari tiket. Tunggu beberapa menit lalu coba "
                "lagi."))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
def home() -> tuple[str, int]:
    return page("home.html")
