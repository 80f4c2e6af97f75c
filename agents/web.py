"""The blueprint and what every console view shares: the database session, the signed-in
user, CSRF, role gates, error pages and forms shown again when the domain refuses them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Response

from accounts import setup
from accounts.models import User
from agents.config import AgentsConfig
from media.uploads import MAX_UPLOAD_BYTES
from notify import services as notify_services
from tickets import sla
from tickets.clock import to_local, utcnow
from tickets.errors import (
    DomainError,
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
    StaleTicket,
)
from tickets.lifecycle import AT_DESK, AT_POKJA, WITH_ANSWER
from tickets.models import CHANNEL_LABELS, PRIORITY_LABELS, REJECT_LABELS, STATUS_LABELS, Role
from tickets.permissions import DESK_ROLES
from tickets.reference import hotline_settings

bp = Blueprint("agents", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")

PUBLIC_ENDPOINTS = frozenset({"agents.login", "agents.static"})
F = TypeVar("F", bound=Callable[..., Any])


def cfg() -> AgentsConfig:
    return current_app.extensions["agents"]


def db() -> Session:
    """The request's session; the request commits it (see ``hotline.app``)."""
    return cfg().db()


def user() -> User:
    return g.agent_user


@bp.before_request
def _guard() -> Response | None:
    if request.endpoint == "agents.intake":
        # The desk intake takes a letter's scan (media.uploads checks its size and kind);
        # set before CSRF reads the form, so a scan above the app's 2 MB is not refused
        # with the typed form lost.
        request.max_content_length = 2 * MAX_UPLOAD_BYTES
    elif request.endpoint == "agents.act" and (request.view_args or {}).get("action") in (
            "draf", "jawab"):
        # The pokja's answer carries its photos and letters (answering.files checks each).
        request.max_content_length = 6 * MAX_UPLOAD_BYTES
    if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
        current_app.extensions["csrf"].protect()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    agent = _session_user()
    if agent is None:
        session.clear()
        return redirect(url_for("agents.login", next=request.full_path.rstrip("?")))
    g.agent_user = agent
    return None


def _session_user() -> User | None:
    """The active user the session cookie names, if its session is still current."""
    uid = session.get("uid")
    agent = db().get(User, uid) if isinstance(uid, int) else None
    # A session issued before the user signed out or got a new password carries an
    # older version (accounts.services.end_sessions): it is over.
    if agent is None or not agent.active or session.get("sv") != agent.session_version:
        return None
    return agent


@bp.after_app_request
def _no_store(response: Response) -> Response:
    """No cache (the browser's, a shared proxy's) keeps a console response: pages show
    tickets and reporters, forms carry CSRF tokens, downloads hold exports and voices.
    App-wide, so error pages of unknown /console/ paths are covered too."""
    path = request.path
    if path == "/console" or path.startswith("/console/"):
        if "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
    return response


def roles(*allowed: Role) -> Callable[[F], F]:
    """A page-level gate; the domain checks the role again for every action."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if user().role not in allowed:
                raise PermissionDenied("Anda tidak memiliki hak untuk membuka halaman ini.")
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def home_for(agent: User) -> str:
    if agent.role is Role.POKJA:
        return url_for("agents.inbox")
    if agent.role is Role.HEAD:
        return url_for("agents.approvals")
    if agent.role is Role.ADMIN:
        return url_for("agents.admin_users")
    if agent.role is Role.LEADERSHIP:
        return url_for("agents.leadership")
    return url_for("agents.queue")


@bp.get("/")
def home() -> Response:
    return redirect(home_for(user()))


@bp.app_template_filter("local")
def local_time(value: datetime | None, fmt: str = "%d-%m-%Y %H:%M") -> str:
    return "-" if value is None else to_local(value, cfg().timezone).strftime(fmt)


def working_days_left(due: datetime | None) -> int | None:
    if due is None:
        return None
    tz = cfg().timezone
    return sla.working_days_between(to_local(utcnow(), tz).date(), to_local(due, tz).date())


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {
        "STATUS_LABELS": STATUS_LABELS, "CHANNEL_LABELS": CHANNEL_LABELS,
        "PRIORITY_LABELS": PRIORITY_LABELS, "REJECT_LABELS": REJECT_LABELS,
        "Role": Role, "DESK_ROLES": DESK_ROLES, "agent": g.get("agent_user"),
        "AT_DESK": AT_DESK, "AT_POKJA": AT_POKJA, "WITH_ANSWER": WITH_ANSWER,
        "now": utcnow, "working_days_left": working_days_left,
        "failed_messages": _failed_messages, "setup_missing": setup_missing,
        "contact_warning": setup.needs_contact_warning,
    }


def _failed_messages() -> int | None:
    # Called by the nav only, so pages without a signed-in user never query.
    agent = g.get("agent_user")
    return notify_services.failed_count(db(), agent) if agent is not None else None


CONFIRMED = "konfirmasi"


def confirm_first(question: str, button: str, back: str) -> str | None:
    """A destructive action (deactivate a user, revoke a key, delete a group) asks first.

    Without ``konfirmasi=ya`` in the form this is the page that asks: it states
    ``question`` and posts every field again, with the confirmation, to the same address;
    "Batal" goes back to ``back``. No JavaScript is needed. With the confirmation: None,
    the view goes ahead. The domain never needs it: a crafted post is no worse than two."""
    if request.form.get(CONFIRMED) == "ya":
        return None
    fields = [(k, v) for k, values in request.form.lists()
              if k not in ("csrf_token", CONFIRMED) for v in values]
    return render_template("agents/confirm.html", question=question, button=button,
                           fields=fields, back=back, action=request.path)


def setup_steps() -> list[setup.SetupStep]:
    return setup.checklist(db(), hotline_settings(db(), cfg().hotline_defaults))


def setup_missing() -> int:
    """How many setup steps are still open (the admin's menu shows it)."""
    return len(setup.missing(setup_steps()))


# What an agent reads for an HTTP error under /console, by status: a title and what to do.
HTTP_ERRORS = {
    400: ("Permintaan tidak sah",
          "Permintaan ini tidak dapat diproses. Muat ulang halaman lalu coba lagi."),
    403: ("Akses ditolak", "Anda tidak memiliki hak untuk membuka halaman ini."),
    404: ("Halaman tidak ditemukan",
          "Halaman yang Anda cari tidak ada. Periksa alamatnya, atau buka halaman lain dari "
          "menu konsol."),
    405: ("Metode tidak diizinkan",
          "Alamat ini tidak menerima permintaan dengan cara tersebut (metode tidak "
          "diizinkan). Buka halamannya dari menu konsol."),
    413: ("Kiriman terlalu besar",
          "Isian atau berkas yang Anda kirim melebihi batas ukuran. Kirim yang lebih kecil."),
    500: ("Terjadi kesalahan pada server",
          "Permintaan Anda tidak dapat diselesaikan karena kesalahan di server. Periksa "
          "apakah perubahan Anda sudah tersimpan sebelum mengulanginya; bila terus terjadi, "
          "beri tahu admin."),
}
OTHER_ERROR = ("Permintaan tidak dapat diproses",
               "Permintaan ini tidak dapat diproses. Buka halamannya dari menu konsol.")


Page = tuple[str, int, dict[str, str]]


def _error(status: int, message: str, title: str | None = None,
           headers: dict[str, str] | None = None, **context: Any) -> Page:
    page = render_template("agents/error.html", status=status, message=message,
                           title=title or HTTP_ERRORS.get(status, OTHER_ERROR)[0], **context)
    return page, status, {"Cache-Control": "no-store", **(headers or {})}


@bp.app_errorhandler(CSRFError)
def _csrf_error(_exc: CSRFError) -> Page:
    return _error(400, "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.")


# endpoint -> how that view shows its form again when the domain refuses the action, and
# the refusals it shows so.
Refusal = Callable[..., ResponseReturnValue]
REFUSALS = (InvalidInput, StaleTicket, IllegalTransition)
_REFUSALS: dict[str, tuple[Refusal, tuple[type[DomainError], ...]]] = {}


def shows_refusal(render: Refusal, *kinds: type[DomainError]) -> Callable[[F], F]:
    """Declare how a view answers a refused action: ``render(exc, **view_args)`` for the
    refusals of ``kinds`` (default: all of :data:`REFUSALS`); others get the error page.

    The view does not catch the domain's refusal (InvalidInput, StaleTicket,
    IllegalTransition): it rises to the request boundary, which rolls back whatever the
    action had flushed before Flask calls the handler below (``hotline.app``). So the
    form is shown again over the database as it was, with what the user typed (still in
    ``request.form``), and no half of the change (a row, an audit event) is left behind;
    the 422/409 the renderer answers is rolled back too, by status."""

    def decorator(view: F) -> F:
        _REFUSALS[f"{bp.name}.{view.__name__}"] = (render, kinds or REFUSALS)
        return view

    return decorator


@bp.errorhandler(InvalidInput)
@bp.errorhandler(StaleTicket)
@bp.errorhandler(IllegalTransition)
def _refused(exc: DomainError) -> ResponseReturnValue:
    render, kinds = _REFUSALS.get(request.endpoint or "", (None, ()))
    if render is None or not isinstance(exc, kinds):
        return _error(422 if isinstance(exc, InvalidInput) else 409, exc.message)
    try:
        return render(exc, **(request.view_args or {}))
    except PermissionDenied as denied:  # a crafted post about a page not the user's
        return _error(403, denied.message)
    except NotFound as missing:
        return _error(404, missing.message)


@bp.errorhandler(PermissionDenied)
def _denied(exc: PermissionDenied) -> Page:
    return _error(403, exc.message, "Akses ditolak")


@bp.errorhandler(NotFound)
def _not_found(exc: NotFound) -> Page:
    return _error(404, exc.message, "Tidak ditemukan")


def error_page(exc: HTTPException) -> Page:
    """Any HTTP error under /console in the console's layout (``hotline.errors``); it
    never shows what failed."""
    status = exc.code or 500
    title, message = HTTP_ERRORS.get(status) or (
        HTTP_ERRORS[500] if status >= 500 else OTHER_ERROR)
    allow = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        allow["Allow"] = ", ".join(sorted(exc.valid_methods))
    # A mistyped address never reached the guard, so the signed-in menu is found here.
    # A server error's page is drawn without the database, which may be what failed:
    # no menu (it counts failed messages) and no user.
    agent = None if status >= 500 else g.get("agent_user") or _session_user()
    return _error(status, message, title, allow, agent=agent)
