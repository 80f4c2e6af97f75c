"""Signing in and out of the console.

A session is a signed cookie carrying the user's id and the user's ``session_version``
at sign-in; the guard (``agents.web._guard``) refuses it once the version has moved on,
so signing out and a new password end every open session of that user.

A browser a user has signed in with also gets a long-lived signed "device" cookie
naming that user; the sign-in throttle lets it through a lock on the account or on
the address (see ``accounts.services.sign_in``).
"""

from __future__ import annotations

import secrets

from flask import current_app, redirect, render_template, request, session
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from accounts.services import LoginFailed, end_sessions, sign_in
from agents.web import bp, cfg, db, home_for, user

DEVICE_COOKIE = "konsol_perangkat"
DEVICE_MAX_AGE = 180 * 24 * 3600
# A shared desk PC may remember this many users.
DEVICE_USERS = 8


def safe_next(target: str | None) -> str | None:
    # Only paths inside the console: never an open redirect to another site.
    if target and target.startswith("/console/") and not target.startswith("//"):
        return target
    return None


def _device_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="agents.device")


def known_devices() -> dict[str, str]:
    """username -> device token of the users who signed in with this browser."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return {}
    try:
        value = _device_signer().loads(raw, max_age=DEVICE_MAX_AGE)
    except BadSignature:
        return {}
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


def _remember_device(response: Response, devices: dict[str, str], username: str) -> None:
    token = devices.pop(username, None) or secrets.token_urlsafe(16)
    devices[username] = token  # the most recent last
    kept = dict(list(devices.items())[-DEVICE_USERS:])
    response.set_cookie(
        DEVICE_COOKIE, _device_signer().dumps(kept), max_age=DEVICE_MAX_AGE,
        path="/console/", httponly=True, samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))


@bp.route("/masuk", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    if request.method == "GET":
        return render_template("agents/login.html", error=None, username="")
    username = request.form.get("username", "")
    devices = known_devices()
    name = username.strip().lower()
    try:
        agent = sign_in(db(), username, request.form.get("password", ""),
                        request.remote_addr or "-",
                        max_attempts=cfg().settings.login_max_attempts,
                        max_per_address=cfg().settings.login_max_attempts_per_address,
                        device=devices.get(name),
                        refuse_published=cfg().refuse_published_passwords)
    except LoginFailed as exc:
        return render_template("agents/login.html", error=exc.message, username=username), 401
    session.clear()  # a fresh session (and CSRF token) for the signed-in user
    session["uid"] = agent.id
    session["sv"] = agent.session_version
    session.permanent = False
    response = redirect(safe_next(request.args.get("next")) or home_for(agent))
    _remember_device(response, devices, agent.username)
    return response


@bp.post("/keluar")
def logout() -> Response:
    # Signing out ends the user's sessions everywhere, not only this cookie: a copy of
    # it (another tab's, a stolen one) is refused from now on.
    end_sessions(db(), user())
    session.clear()
    return redirect("/console/masuk")
