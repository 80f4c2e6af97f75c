"""Signing in and out of the console."""

from __future__ import annotations

from flask import redirect, render_template, request, session
from werkzeug.wrappers import Response

from accounts.services import LoginFailed, sign_in
from agents.web import bp, cfg, db, home_for


def safe_next(target: str | None) -> str | None:
    # Only paths inside the console: never an open redirect to another site.
    if target and target.startswith("/console/") and not target.startswith("//"):
        return target
    return None


@bp.route("/masuk", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    if request.method == "GET":
        return render_template("agents/login.html", error=None, username="")
    username = request.form.get("username", "")
    try:
        agent = sign_in(db(), username, request.form.get("password", ""),
                        request.remote_addr or "-", max_attempts=cfg().login_max_attempts)
    except LoginFailed as exc:
        return render_template("agents/login.html", error=exc.message, username=username), 401
    session.clear()  # a fresh session (and CSRF token) for the signed-in user
    session["uid"] = agent.id
    session.permanent = False
    return redirect(safe_next(request.args.get("next")) or home_for(agent))


@bp.post("/keluar")
def logout() -> Response:
    session.clear()
    return redirect("/console/masuk")
