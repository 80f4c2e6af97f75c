"""The rate limiter of one public edge, run on that edge's requests only."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask
from flask_limiter import Limiter


def init_for_blueprint(app: Flask, limiter: Limiter, bp: Blueprint) -> None:
    """``limiter.init_app(app)``, with its per-request hooks registered on ``bp``, so
    Flask runs them for ``bp``'s requests only. Flask-Limiter checks every request of
    the app, injects its headers into every response and resets its state after every
    request, and even a request no limit applies to pays for the lookups (and, wrapped
    app-wide, for a hook call and a blueprint test each): the webhooks (tens per call,
    the hottest requests of the app) run none of them. The limits live on ``bp`` alone,
    so a request of another blueprint has no limiter state to report or reset."""
    hooks: tuple[dict[Any, list[Any]], ...] = (
        app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
    known: list[list[Any]] = [list(registry.get(None, ())) for registry in hooks]
    limiter.init_app(app)
    for registry, before in zip(hooks, known, strict=True):
        app_wide = registry.setdefault(None, [])
        added = [hook for hook in app_wide if hook not in before]
        registry[None] = [hook for hook in app_wide if hook not in added]
        registry.setdefault(bp.name, []).extend(added)
