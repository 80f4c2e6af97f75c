"""The Flask application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify
from flask_talisman import Talisman
from sqlalchemy import text

import agents
import ivr
from hotline.celery_app import make_celery
from hotline.runtime import Runtime, build_runtime
from hotline.settings import Settings
from notify import callbacks as notify_callbacks
from prompts import Catalog


def create_app(settings: Settings | None = None, **config: Any) -> Flask:
    """Build the web app. ``config`` overrides Flask/Celery config (tests use it)."""
    runtime = build_runtime(settings)
    settings = runtime.settings
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )
    app.config.update({k: v for k, v in config.items() if k.isupper()})
    celery = make_celery(runtime, **app.config.get("CELERY", {}))
    app.extensions["hotline"] = runtime
    app.extensions["celery"] = celery

    from hotline import tasks

    ivr.init_app(
        app,
        ivr.IvrConfig(
            auth_token=settings.twilio_auth_token,
            public_base_url=settings.public_base_url,
            tts_language=settings.tts_language,
            gather_timeout_seconds=settings.gather_timeout_seconds,
            timezone=settings.timezone,
            catalog=Catalog.load(),
            hotline_defaults=settings.hotline_defaults(),
            session_factory=runtime.session,
            cache_seconds=settings.ivr_cache_seconds,
        ),
        ivr.IvrHooks(
            recording_submitted=lambda rid: tasks.download_recording.delay(rid),
            recording_ready=lambda rid: tasks.download_recording.delay(rid),
        ),
    )
    agents.init_app(
        app,
        agents.AgentsConfig(
            session_factory=runtime.session,
            recordings_dir=settings.recordings_dir,
            timezone=settings.timezone,
            login_max_attempts=settings.login_max_attempts,
            hotline_defaults=settings.hotline_defaults(),
        ),
    )
    notify_callbacks.init_app(app, notify_callbacks.CallbackConfig(
        settings.twilio_auth_token, settings.public_base_url, runtime.session))
    _register_health(app, runtime)
    _secure_headers(app, settings)
    return app


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
    signed webhook URLs are unaffected. HSTS is sent in production on https requests."""
    Talisman(
        app,
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


def _register_health(app: Flask, runtime: Runtime) -> None:
    @app.get("/healthz")
    def healthz() -> Any:
        with runtime.session() as session:
            session.execute(text("SELECT 1"))
        return jsonify(status="ok", embedded=runtime.settings.embedded)
