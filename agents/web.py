"""The blueprint and what every console view shares: the database session, the signed-in
user, CSRF, role gates and error pages."""

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
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm import Session
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound as HTTPNotFound
from werkzeug.wrappers import Response

from accounts.models import User
from agents import outbox_rows
from agents.config import AgentsConfig
from tickets import sla
from tickets.clock import to_local, utcnow
from tickets.errors import NotFound, PermissionDenied
from tickets.lifecycle import AT_DESK, AT_POKJA, WITH_ANSWER
from tickets.models import Role
from tickets.names import CHANNEL_LABELS, PRIORITY_LABELS, REJECT_LABELS, STATUS_LABELS
from tickets.permissions import DESK_ROLES

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
    if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
        current_app.extensions["csrf"].protect()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    uid = session.get("uid")
    agent = db().get(User, uid) if isinstance(uid, int) else None
    # A session issued before the user signed out or got a new password carries an
    # older version (accounts.services.end_sessions): it is over.
    if agent is None or not agent.active or session.get("sv") != agent.session_version:
        session.clear()
        return redirect(url_for("agents.login", next=request.full_path.rstrip("?")))
    g.agent_user = agent
    return None


@bp.after_app_request
def _no_store(response: Response) -> Response:
    """No cache (the browser's, a shared proxy's) keeps a console response: pages show
    tickets and reporters, forms carry CSRF tokens, downloads hold exports and voices.
    App-wide, so error pages of unknown /console/ paths are covered too."""
    if request.path == "/console" or request.path.startswith("/console/"):
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
    if agent.role is Role.ADMIN:
        return url_for("agents.admin_users")
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
        "failed_messages": _failed_messages,
    }


def _failed_messages() -> int | None:
    # Called by the nav only, so pages without a signed-in user never query.
    agent = g.get("agent_user")
    return outbox_rows.failed_count(db(), agent) if agent is not None else None


def _error(status: int, message: str) -> tuple[str, int]:
    return render_template("agents/error.html", status=status, message=message), status


@bp.app_errorhandler(CSRFError)
def _csrf_error(_exc: CSRFError) -> tuple[str, int]:
    return _error(400, "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.")


@bp.errorhandler(PermissionDenied)
def _denied(exc: PermissionDenied) -> tuple[str, int]:
    return _error(403, exc.message)


@bp.errorhandler(NotFound)
def _not_found(exc: NotFound) -> tuple[str, int]:
    return _error(404, exc.message)


@bp.app_errorhandler(HTTPNotFound)
def _no_such_page(_exc: HTTPNotFound) -> tuple[str, int]:
    return _error(404, "Halaman yang Anda cari tidak ada. Periksa alamatnya, atau kembali "
                       "ke konsol.")


@bp.app_errorhandler(MethodNotAllowed)
def _method_not_allowed(exc: MethodNotAllowed) -> tuple[str, int, dict[str, str]]:
    page, status = _error(405, "Alamat ini tidak menerima permintaan dengan cara tersebut "
                               "(metode tidak diizinkan). Buka halamannya dari menu konsol.")
    return page, status, {"Allow": ", ".join(exc.valid_methods or ())}
