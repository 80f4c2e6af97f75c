"""The GeoReport v2 routes. Each resource answers ``.xml`` and ``.json``; errors come in
the spec's error format, in the format the client asked for."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request, url_for
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException, MethodNotAllowed, TooManyRequests
from werkzeug.wrappers import Response

from accounts.apikeys import authenticate
from analytics import places
from portal.open311 import services
from portal.open311.config import Open311Config
from portal.open311.formats import FORMATS, error, respond
from portal.services import place_labels, request_by_number, requests
from tickets import numbering
from tickets.clock import utcnow
from tickets.reference import agency_name, hotline_settings

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
SPEC = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint's shape last changed (the discovery document's changeset).
CHANGESET = "2026-12-01T00:00:00Z"


class BadFormat(Exception):
    pass


def cfg() -> Open311Config:
    return current_app.extensions["open311"]  # type: ignore[no-any-return]


def db() -> Session:
    return cfg().db()


def _fmt(fmt: str) -> str:
    if fmt not in FORMATS:
        raise BadFormat()
    return fmt


def _asked_format() -> str:
    return "json" if request.path.endswith(".json") else "xml"


# The descriptions of the HTTP errors no route chose itself: an address with no resource,
# a method the resource does not take, a server error.
HTTP_ERRORS = {
    400: "Permintaan tidak sah.",
    404: "Sumber daya tidak ditemukan. Daftar alamat yang tersedia ada di discovery.xml.",
    405: "Metode {method} tidak diizinkan untuk alamat ini; yang diizinkan: {allowed}.",
    413: "Permintaan terlalu besar.",
    500: "Terjadi kesalahan pada server; coba lagi nanti.",
}


def error_document(exc: HTTPException) -> Response:
    """Any HTTP error under ``/open311`` in the spec's error format: XML unless the path
    ends in ``.json``, with the status as the error's code (``hotline.errors``)."""
    status = exc.code or 500
    methods = exc.valid_methods if isinstance(exc, MethodNotAllowed) else None
    allowed = ", ".join(sorted(methods or ()))
    text = HTTP_ERRORS.get(status, "Permintaan tidak dapat diproses.")
    response = error(_asked_format(), status, text.format(method=request.method,
                                                          allowed=allowed))
    if allowed:
        response.headers["Allow"] = allowed
    return response


@bp.errorhandler(BadFormat)
def _bad_format(_exc: BadFormat) -> Response:
    return error("xml", 404, "Format tidak dikenal: pakai .xml atau .json.")


@bp.errorhandler(services.ApiError)
def _api_error(exc: services.ApiError) -> Response:
    return error(_asked_format(), exc.status, exc.description)


@bp.errorhandler(TooManyRequests)
def _too_many(_exc: TooManyRequests) -> Response:
    return error(_asked_format(), 429, "Terlalu banyak permintaan dengan kunci ini; "
                                       "coba lagi nanti.")


@bp.get("/discovery.<fmt>")
def discovery(fmt: str) -> Response:
    base = cfg().public_base_url or request.url_root.rstrip("/")
    agency = agency_name(hotline_settings(db(), cfg().hotline_defaults))
    number = cfg().settings.hotline_number
    contact = agency + (f", telepon {number}" if number else "")
    data: dict[str, Any] = {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": f"Kunci API (api_key) diberikan oleh admin {agency}.",
        "endpoints": [{
            "specification": SPEC,
            "url": base + url_for("open311.discovery", fmt="x").rsplit("/", 1)[0],
            "changeset": CHANGESET,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    }
    return respond(_fmt(fmt), "discovery", data)


@bp.get("/services.<fmt>")
def service_list(fmt: str) -> Response:
    return respond(_fmt(fmt), "services",
                   [services.service(c) for c in services.active_categories(db())])


@bp.get("/services/<code>.<fmt>")
def service_definition(code: str, fmt: str) -> Response:
    fmt = _fmt(fmt)
    category = services.category_for(db(), code)
    if category is None:
        return error(fmt, 404, f"Layanan {code} tidak ditemukan.")
    return respond(fmt, "service_definition",
                   {"service_code": str(category.id), "attributes": []})


@bp.get("/requests.<fmt>")
def request_list(fmt: str) -> Response:
    fmt = _fmt(fmt)
    query = services.request_query(db(), request.args, cfg().timezone)
    tickets = requests(db(), query, utcnow())
    known = place_labels(db(), tickets, places.labels)
    return respond(fmt, "service_requests",
                   [services.service_request(t, cfg().timezone, known.get(t.id))
                    for t in tickets])


@bp.post("/requests.<fmt>")
def file_request(fmt: str) -> Response:
    fmt = _fmt(fmt)
    key = authenticate(db(), request.form.get("api_key") or "")
    if key is None:
        return error(fmt, 403, "api_key tidak sah atau sudah dicabut.")
    filed = services.file_request(db(), key, request.form, cfg().timezone)
    number = filed.ticket.number
    return respond(fmt, "service_requests", [{
        "service_request_id": number, "token": number,
        "service_notice": services.SERVICE_NOTICE, "account_id": filed.account_id,
    }], status=201)


@bp.get("/requests/<number>.<fmt>")
def one_request(number: str, fmt: str) -> Response:
    fmt = _fmt(fmt)
    ticket = request_by_number(db(), number) if numbering.is_valid(number) else None
    if ticket is None:
        return error(fmt, 404, "Permintaan tidak ditemukan.")
    known = place_labels(db(), [ticket], places.labels)
    return respond(fmt, "service_requests",
                   [services.service_request(ticket, cfg().timezone, known.get(ticket.id))])


@bp.get("/tokens/<token>.<fmt>")
def token(token: str, fmt: str) -> Response:
    # A request's token is its number: tickets are numbered the moment they are filed.
    fmt = _fmt(fmt)
    ticket = request_by_number(db(), token) if numbering.is_valid(token) else None
    if ticket is None:
        return error(fmt, 404, "Token tidak ditemukan.")
    return respond(fmt, "service_requests",
                   [{"service_request_id": ticket.number, "token": ticket.number}])
