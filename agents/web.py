"""The blueprint and what every console view shares: the database session, the signed-in
user, CSRF, role gates and error pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

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
from werkzeug.wrappers import Response

from agents.config import AgentsConfig
from tickets import messages, sla
from tickets.access import DESK_ROLES
from tickets.db import utcnow
from tickets.errors import NotFound, PermissionDenied
from tickets.lifecycle import STATUS_LABELS
from tickets.models import Role, User
from tickets.workflow import CHANNEL_LABELS, PRIORITY_LABELS, REJECT_LABELS

bp = Blueprint("agents", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")

PUBLIC_ENDPOINTS = frozenset({"agents.login", "agents.static"})
F = TypeVar("F", bound=Callable[..., Any])


def cfg() -> AgentsConfig:
    return current_app.extensions["agents"]


def db() -> Session:
    if "agents_db" not in g:
        g.agents_db = cfg().session_factory()
    return g.agents_db


def user() -> User:
    return g.agent_user


@bp.teardown_app_request
def _close_db(_exc: BaseException | None) -> None:
    session_ = g.pop("agents_db", None)
    if session_ is not None:
        session_.close()


@bp.before_request
def _guard() -> Response | None:
    if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
        current_app.extensions["csrf"].protect()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    uid = session.get("uid")
    agent = db().get(User, uid) if isinstance(uid, int) else None
    if agent is None or not agent.active:
        session.clear()
        return redirect(url_for("agents.login", next=request.full_path.rstrip("?")))
    g.agent_user = agent
    return None


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
    if value is None:
        return "-"
    zone = ZoneInfo(cfg().timezone)
    return value.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).strftime(fmt)


def working_days_left(due: datetime | None) -> int | None:
    if due is None:
        return None
    zone = ZoneInfo(cfg().timezone)
    today = datetime.now(zone).date()
    due_day = due.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date()
    return sla.working_days_between(today, due_day)


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {
        "STATUS_LABELS": STATUS_LABELS, "CHANNEL_LABELS": CHANNEL_LABELS,
        "PRIORITY_LABELS": PRIORITY_LABELS, "REJECT_LABELS": REJECT_LABELS,
        "Role": Role, "DESK_ROLES": DESK_ROLES, "agent": g.get("agent_user"),
        "now": utcnow, "working_days_left": working_days_left,
        "failed_messages": _failed_messages,
    }


def _failed_messages() -> int | None:
    # Called by the nav only, so pages without a signed-in user never query.
    agent = g.get("agent_user")
    return messages.failed_count(db(), agent) if agent is not None else None


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
