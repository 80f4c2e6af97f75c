"""The partner's page: what the pokja chose to share, and the answer form with its file.

Reached only by a signed link (``/mitra/<token>``); an unknown link is 404, an expired
or revoked one 403, each with an Indonesian page that shows nothing of any ticket. A
refused file re-draws the form with everything typed, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
)
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from media.recordings import recording_path, stored_format
from partners import services
from tickets.clock import to_local
from tickets.errors import InvalidInput, NotFound
from tickets.reference import agency_name, hotline_settings

bp = Blueprint("partners", __name__, url_prefix="/mitra", template_folder="templates",
               static_folder="static", static_url_path="/static")
# The form's body: the file at its limit, the answer and the form's fields.
BODY_LIMIT = services.MAX_FILE_BYTES + 256 * 1024


@dataclass(frozen=True)
class PartnersConfig:
    db: Callable[[], Session]  # the request's session; the request commits it
    files_dir: Path            # RECORDINGS_DIR: partner files go under partners/
    timezone: str
    hotline_defaults: Mapping[str, str]


def init_app(app: Flask, config: PartnersConfig) -> None:
    app.extensions["partners"] = config
    app.register_blueprint(bp)


def cfg() -> PartnersConfig:
    return current_app.extensions["partners"]  # type: ignore[no-any-return]


def _agency() -> str:
    return agency_name(hotline_settings(cfg().db(), cfg().hotline_defaults))


@bp.app_template_filter("mitra_time")
def _local(value: object) -> str:
    if not isinstance(value, datetime):
        return "-"
    return to_local(value, cfg().timezone).strftime("%d-%m-%Y %H:%M")


@bp.before_request
def _guard() -> None:
    request.max_content_length = BODY_LIMIT
    if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
        current_app.extensions["csrf"].protect()


@bp.after_request
def _private(response: Response) -> Response:
    # The token is in the address: never cached, never indexed, and never sent on as a
    # referrer (the app's Referrer-Policy is same-origin; the page's meta says no-referrer).
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _page(token: str, errors: dict[str, str] | None = None,
          form: Mapping[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    req = services.by_token(cfg().db(), token)
    return render_template("partners/answer.html", v=services.view(req), token=token,
                           errors=errors or {}, form=form or {}, agency=_agency(),
                           max_mb=services.MAX_FILE_BYTES // (1024 * 1024),
                           max_bytes=services.MAX_FILE_BYTES), status


@bp.get("/<token>")
def answer_page(token: str) -> tuple[str, int]:
    return _page(token)


@bp.post("/<token>")
def submit(token: str) -> Response | tuple[str, int]:
    form = request.form
    file: FileStorage | None = request.files.get("file")
    upload = None
    if file is not None and file.filename:
        upload = services.Upload(file.filename, file.read(services.MAX_FILE_BYTES + 1))
    services.submit_answer(cfg().db(), token, form.get("answer", ""),
                           form.get("answered_by", ""), upload, files_dir=cfg().files_dir)
    return redirect(request.path + "?terkirim=1", 303)


@bp.errorhandler(InvalidInput)
def _answer_refused(exc: InvalidInput) -> tuple[str, int]:
    """A refused answer: the request's boundary rolled back what it had flushed before
    this runs (hotline.app); the form comes back with what the partner typed and the
    reason beside its field."""
    token = str((request.view_args or {}).get("token", ""))
    return _page(token, {exc.field: exc.message}, request.form, 422)


@bp.get("/<token>/rekaman/<int:recording_id>")
def recording(token: str, recording_id: int) -> Response:
    """A recording the pokja chose to share (never one of an anonim ticket)."""
    req = services.by_token(cfg().db(), token)
    rec = services.shared_recording(req, recording_id)
    path = recording_path(cfg().files_dir, rec)
    fmt = stored_format(path) if path is not None and path.is_file() else None
    if path is None or fmt is None:
        raise NotFound("Rekaman tidak ditemukan.")
    response = send_file(path, mimetype=fmt.content_type, conditional=True, max_age=0,
                         download_name=f"rekaman-{req.ticket.number}{fmt.extension}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _refused(status: int, message: str, agency: str | None = None) -> tuple[str, int]:
    return render_template("partners/error.html", status=status, message=message,
                           agency=agency or _agency()), status


def error_page(exc: HTTPException) -> Response:
    """Any other HTTP error under /mitra (``hotline.errors``): drawn without the
    database, which may be what failed, and naming no ticket."""
    status = exc.code or 500
    message = ("Tautan ini tidak dikenal." if status == 404 else
               "Permintaan ini tidak dapat diproses. Buka kembali tautan yang Anda terima.")
    page, code = _refused(status, message, agency_name(cfg().hotline_defaults))
    response = make_response(page, code)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(services.LinkRefused)
def _link_refused(exc: services.LinkRefused) -> tuple[str, int]:
    return _refused(403, exc.message)


@bp.errorhandler(NotFound)
def _unknown(exc: NotFound) -> tuple[str, int]:
    return _refused(404, exc.message)


@bp.errorhandler(413)
def _too_large(_exc: object) -> tuple[str, int]:
    return _refused(413, f"Berkas terlalu besar (maksimal "
                         f"{services.MAX_FILE_BYTES // (1024 * 1024)} MB). Kembali ke halaman "
                         "sebelumnya: tanggapan yang Anda tulis masih ada di sana; pilih "
                         "berkas yang lebih kecil.")
