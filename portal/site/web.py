"""The public blueprint and what its pages share: the session, the hotline's contact
details, Indonesian dates, error pages and the headers of a public page."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, g, render_template, send_from_directory
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException, MethodNotAllowed, TooManyRequests
from werkzeug.wrappers import Response

from portal.site.config import PublicConfig
from tickets.clock import to_local, utcnow
from tickets.contacts import readable_phone
from tickets.reference import agency_name, hotline_settings
from tickets.sla import TZ_NAMES, OfficeHours

STATIC = Path(__file__).resolve().parent / "static"
bp = Blueprint("public", __name__, template_folder="templates", static_folder=STATIC,
               static_url_path="/static/public")

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")


def cfg() -> PublicConfig:
    return current_app.extensions["public"]  # type: ignore[no-any-return]


def db() -> Session:
    return cfg().db()


def hotline() -> dict[str, Any]:
    """The contact details the site shows, from the console-editable hotline settings
    (read once per request)."""
    if "public_hotline" not in g:
        g.public_hotline = contact_details(hotline_settings(db(), cfg().hotline_defaults))
    return g.public_hotline  # type: ignore[no-any-return]


def contact_details(settings: Mapping[str, str]) -> dict[str, Any]:
    hours = OfficeHours.parse(settings["office_hours"])
    zone = TZ_NAMES.get(cfg().timezone, cfg().timezone)
    number = settings.get("hotline_number") or cfg().settings.hotline_number or None
    return {
        "agency": agency_name(settings),
        # Set in the console (Pengaturan hotline), else HOTLINE_NUMBER / TWILIO_SMS_FROM.
        "number": readable_phone(number),
        "number_e164": number,
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


# What a citizen reads for an HTTP error, by status: a title and what to do next.
HTTP_ERRORS = {
    400: ("Permintaan tidak dapat diproses",
          "Isian yang Anda kirim tidak dapat kami baca. Muat ulang halaman lalu coba lagi."),
    404: ("Halaman tidak ditemukan",
          "Alamat yang Anda buka tidak ada di situs ini. Mungkin tautannya salah ketik, atau "
          "halamannya sudah tidak tersedia."),
    405: ("Permintaan tidak dapat diproses",
          "Halaman ini tidak dapat dibuka dengan cara tersebut (metode tidak diizinkan). "
          "Buka halamannya dari menu di atas."),
    413: ("Kiriman terlalu besar",
          "Isian yang Anda kirim melebihi batas ukuran. Kirim yang lebih kecil."),
    500: ("Terjadi gangguan",
          "Maaf, permintaan Anda tidak dapat kami proses karena gangguan di sistem kami. "
          "Coba lagi beberapa saat lagi."),
}
OTHER_ERROR = ("Permintaan tidak dapat diproses",
               "Permintaan Anda tidak dapat kami proses. Buka halamannya dari menu di atas.")


def error_page(exc: HTTPException) -> Response:
    """Any HTTP error outside the console, Open311 and the webhooks, in the site's own
    layout (``hotline.errors``); it never shows what failed."""
    status = exc.code or 500
    title, message = HTTP_ERRORS.get(status) or (
        HTTP_ERRORS[500] if status >= 500 else OTHER_ERROR)
    if status >= 500:
        # The failure may be the database's: this page is drawn from the configured contact
        # details alone, so it still renders when every query would fail.
        g.setdefault("public_hotline", contact_details(cfg().hotline_defaults))
    body = render_template("public/error.html", title=title, message=message, code=status,
                           hotline=hotline())
    response = current_app.make_response((body, status))
    response.headers["Cache-Control"] = "no-store"
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return response


@bp.errorhandler(TooManyRequests)
def _too_many(_exc: TooManyRequests) -> Response:
    # Flask-Limiter adds Retry-After and the X-RateLimit-* headers to this response.
    response = current_app.make_response(page(
        "error.html", 429, code=429, title="Terlalu banyak permintaan",
        message="Anda sudah terlalu sering mencari tiket. Tunggu beberapa menit lalu coba "
                "lagi."))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
def home() -> tuple[str, int]:
    return page("home.html")


# The product's mark. Every layout links it as an SVG icon; a browser that asks for
# /favicon.ico on its own gets the same file. The address is not versioned, so it is
# cached for a day rather than for good.
FAVICON_MAX_AGE = 24 * 3600


@bp.get("/favicon.ico")
def favicon() -> Response:
    return send_from_directory(STATIC, "favicon.svg",
                               mimetype="image/svg+xml", max_age=FAVICON_MAX_AGE)
