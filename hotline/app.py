"""The Flask application factory, and the request's unit of work.

A web request owns one transaction, as warehouse's request transaction does: views
and the services they call flush and never commit or roll back. The request

- rolls back when the view raised, before any error handler runs: a form refused by
  the domain is shown again (``agents.web.shows_refusal``) over the database as it was;
- rolls back a response with an error status (400 or more): whatever a view wrote
  before it answered 422, 409 or 400 is not kept, unless the domain marked the refusal
  as a fact to keep (``tickets.db.keep_on_refusal``: the failed sign-in);
- rolls back a GET (HEAD, OPTIONS): a read writes nothing, and nothing it flushed by
  mistake would be kept (``tests/hotline/test_unit_of_work.py`` checks they issue none);
- commits every other response before it leaves, then runs the work registered with
  ``tickets.db.after_commit`` (queue messages).

A transient database error (a reset connection, a serialization failure) runs the
request again with a fresh session, up to ``DB_ATTEMPTS`` times in all, before it fails.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g, jsonify, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.orm import Session
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

import agents
import ivr
import messaging
from hotline import errors
from hotline.celery_app import make_celery
from hotline.forms import HotlineRequest
from hotline.runtime import Runtime, build_runtime
from hotline.secure_headers import FixedHeadersTalisman
from hotline.settings import Settings, load_settings
from notify import callbacks as notify_callbacks
from partners import web as partners_web
from portal import open311
from portal import site as public_site
from tickets.db import after_commit, is_transient, kept_on_refusal
from twilio_edge.errors import plain_error

log = logging.getLogger(__name__)

# A request that meets a transient database error runs again with a fresh session, up to
# this many times in all: when connections are being cut (a failover, a restart, the
# terminations of benchmarks/faults.py) the first retry can be cut too, and a caller whose
# confirm answered 500 never hears the ticket number.
DB_ATTEMPTS = 3
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class HotlineFlask(Flask):
    request_class = HotlineRequest

    # The registered hooks, views and error handlers, each as ``ensure_sync`` makes it:
    # built at the first request, when Flask no longer lets them change.
    _synced: dict[Any, Callable[..., Any]] | None = None

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Flask asks ``inspect.iscoroutinefunction`` about every hook and the view on
        every request (about fifteen times a webhook); for a registered function the
        answer cannot change, so it is worked out once. Anything else (a function
        passed to ``after_this_request``) goes through Flask as before."""
        synced = self._synced
        if synced is not None:
            try:
                found = synced.get(func)
            except TypeError:  # unhashable
                found = None
            if found is not None:
                return found
        return super().ensure_sync(func)

    def _sync_registered(self) -> dict[Any, Callable[..., Any]]:
        found: list[Any] = []
        for registry in (self.before_request_funcs, self.after_request_funcs,
                         self.teardown_request_funcs):
            for funcs in registry.values():
                found.extend(funcs)
        found.extend(self.view_functions.values())
        for codes in self.error_handler_spec.values():
            for handlers in codes.values():
                found.extend(handlers.values())
        synced: dict[Any, Callable[..., Any]] = {}
        for func in found:
            try:
                synced[func] = super().ensure_sync(func)
            except TypeError:  # unhashable: left to Flask
                pass
        return synced

    def handle_user_exception(self, e: Exception) -> Any:
        # Whatever the view wrote is discarded before any error page is rendered; the
        # session stays open so the page can still read (the signed-in user's name).
        if "db" in g:
            g.db.rollback()
        return super().handle_user_exception(e)

    def full_dispatch_request(self) -> Response:
        if self._synced is None:
            self._synced = self._sync_registered()
        for attempt in range(1, DB_ATTEMPTS + 1):
            try:
                return super().full_dispatch_request()
            except Exception as exc:
                if not is_transient(exc) or attempt == DB_ATTEMPTS:
                    raise
                log.warning("transient database error, retrying the request (attempt %d of "
                            "%d): %s", attempt + 1, DB_ATTEMPTS, exc)
                _end_request_session(commit=False)
        raise AssertionError("unreachable")


# Twilio's webhooks and callbacks carry no cookie and keep nothing between requests (the
# call's state is in the database, keyed on the CallSid): they get no cookie session, which
# spares each of them a signing serializer. Writing to it raises, as without a secret.
SESSIONLESS_PREFIXES = ("/ivr/", "/messaging/", "/notify/")


class WebhookSessions(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Any) -> SessionMixin | None:
        if request.path.startswith(SESSIONLESS_PREFIXES):
            return self.make_null_session(app)
        return super().open_session(app, request)


def request_session() -> Session:
    """The request's session: opened on first use, committed by the request."""
    if "db" not in g:
        g.db = current_app.extensions["hotline"].session()
    return g.db  # type: ignore[no-any-return]


def _commits(response: Response) -> bool:
    """Whether the request's unit of work is committed (the rules in this module's doc)."""
    if request.method in SAFE_METHODS:
        return False
    if response.status_code >= 400:
        return "db" in g and kept_on_refusal(g.db)
    return True


def _end_request_session(*, commit: bool) -> None:
    session: Session | None = g.pop("db", None)
    if session is None:
        return
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


def create_app(settings: Settings | None = None, **config: Any) -> Flask:
    """Build the web app. ``config`` overrides Flask/Celery config (tests use it)."""
    runtime = build_runtime(settings or load_settings())
    settings = runtime.settings
    app = HotlineFlask(__name__)
    app.session_interface = WebhookSessions()
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )
    app.config.update({k: v for k, v in config.items() if k.isupper()})
    if settings.trusted_proxy_hops:
        # Behind the TLS proxy every request comes from the proxy: take the client's
        # address, scheme and host from the X-Forwarded-* headers the trusted proxies
        # appended, and nothing further (a client can send its own X-Forwarded-For; only
        # the last ``hops`` entries were written by our proxies). The sign-in throttle
        # keys on that address. Twilio signatures are checked against PUBLIC_BASE_URL
        # when it is set (production requires it), else against the URL rebuilt here.
        hops = settings.trusted_proxy_hops
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    celery = make_celery(runtime, **app.config.get("CELERY", {}))
    app.extensions["hotline"] = runtime
    app.extensions["celery"] = celery

    @app.after_request
    def _end(response: Response) -> Response:
        if "db" in g:  # a request that opened no session (a cached menu) has none to end
            _end_request_session(commit=_commits(response))
        return response

    @app.teardown_request
    def _close(_exc: BaseException | None) -> None:
        _end_request_session(commit=False)

    ivr.init_app(
        app,
        ivr.IvrConfig(
            auth_token=settings.twilio_auth_token,
            public_base_url=settings.public_base_url,
            settings=settings.ivr,
            timezone=settings.timezone,
            catalog=runtime.catalog,
            hotline_defaults=settings.hotline_defaults(),
            db=request_session,
            feedback=runtime.feedback,
        ),
    )
    agents.init_app(
        app,
        agents.AgentsConfig(
            db=request_session,
            settings=settings.agents,
            recordings_dir=settings.recordings_dir,
            timezone=settings.timezone,
            min_password_length=settings.min_password_length,
            refuse_published_passwords=settings.production,
            hotline_defaults=settings.hotline_defaults(),
            request_retrain=_request_retrain,
            request_event_retrain=_request_event_retrain,
            public_base_url=settings.public_base_url,
        ),
    )
    messaging.init_app(app, messaging.MessagingConfig(
        auth_token=settings.twilio_auth_token,
        public_base_url=settings.public_base_url,
        catalog=runtime.catalog,
        hotline_defaults=settings.hotline_defaults(),
        policy=runtime.conversation_policy,
        db=request_session,
        loopback_media=settings.env == "development",
    ))
    _public_edges(app, runtime)
    partners_web.init_app(app, partners_web.PartnersConfig(
        db=request_session, files_dir=settings.recordings_dir, timezone=settings.timezone,
        hotline_defaults=settings.hotline_defaults()))
    notify_callbacks.init_app(app, notify_callbacks.CallbackConfig(
        settings.twilio_auth_token, settings.public_base_url, request_session))
    _register_health(app, runtime)
    errors.init_app(app, fallback=public_site.error_page, sides=(
        ("/console", agents.error_page), ("/open311", open311.error_document),
        ("/mitra", partners_web.error_page),
        ("/ivr", plain_error), ("/messaging", plain_error), ("/notify", plain_error)))
    _secure_headers(app, settings)
    return app


def _request_retrain(session: Session) -> None:
    from analytics import tasks

    after_commit(session, tasks.retrain.delay)


def _request_event_retrain(session: Session) -> None:
    from analytics import tasks

    after_commit(session, tasks.retrain_events.delay)


# The console loads only its own CSS, script and recordings: no inline script or style,
# no other origin, and no page may frame it.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "media-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _secure_headers(app: Flask, settings: Settings) -> None:
    """Security headers on every response (TwiML too, where Twilio ignores them).

    TLS ends at the proxy in front of gunicorn (README, Production), which redirects
    plain http; the app never redirects itself, so development, tests and Twilio's
    signed webhook URLs are unaffected. HSTS is sent in production on https requests.
    The headers are worked out once per process (``hotline.secure_headers``)."""
    FixedHeadersTalisman(app, **talisman_options(settings))


def talisman_options(settings: Settings) -> dict[str, Any]:
    """Flask-Talisman's options for this app (``tests/hotline/test_secure_headers.py``
    compares the fixed headers with what Talisman itself sends for them)."""
    return dict(
        force_https=False,
        strict_transport_security=settings.env == "production",
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        x_content_type_options=True,
        session_cookie_secure=settings.session_cookie_secure,
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        permissions_policy={"browsing-topics": "()", "camera": "()", "microphone": "()",
                            "geolocation": "()"},
    )


def _public_edges(app: Flask, runtime: Runtime) -> None:
    """The public site and the Open311 API; their rate limits count in Redis when there
    is one (every gunicorn worker together, required in production), else in each
    process's memory."""
    settings = runtime.settings
    public_site.init_app(app, public_site.PublicConfig(
        db=request_session, settings=settings.portal, timezone=settings.timezone,
        hotline_defaults=settings.hotline_defaults(),
        ratelimit_storage=settings.ratelimit_storage, media_dir=settings.recordings_dir))
    open311.init_app(app, open311.Open311Config(
        db=request_session, settings=settings.portal, timezone=settings.timezone,
        hotline_defaults=settings.hotline_defaults(),
        public_base_url=settings.public_base_url,
        ratelimit_storage=settings.ratelimit_storage))


def _register_health(app: Flask, runtime: Runtime) -> None:
    @app.get("/healthz")
    def healthz() -> ResponseReturnValue:
        request_session().execute(text("SELECT 1"))
        return jsonify(status="ok", embedded=runtime.settings.embedded)
