"""The public site, without sign-in, in Indonesian: how to report (``/``), tracking a
ticket (``/lacak``) and the published answers (``/jawaban``, ``/jawaban.atom``)."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from portal.limits import init_for_blueprint
from portal.site.config import PublicConfig
from portal.site.web import bp, error_page


def init_app(app: Flask, config: PublicConfig) -> None:
    app.extensions["public"] = config
    from portal.site import answers, tracking  # noqa: F401  (routes)

    # Lookups are counted per client address (ProxyFix has set it from the trusted
    # proxies' X-Forwarded-For), so ticket numbers cannot be enumerated. Only POSTs are
    # limited: the lookup is the one POST of the site.
    limiter = Limiter(get_remote_address, storage_uri=config.ratelimit_storage,
                      strategy="moving-window", key_prefix="public", headers_enabled=True,
                      in_memory_fallback_enabled=True)
    limiter.limit(config.settings.lookup_limit, methods=["POST"])(bp)
    init_for_blueprint(app, limiter, bp)
    app.register_blueprint(bp)


__all__ = ["PublicConfig", "error_page", "init_app"]
