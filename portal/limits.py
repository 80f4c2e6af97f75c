"""The rate limiter of one public edge, checked on that edge's requests only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, request
from flask_limiter import Limiter


def init_for_blueprint(app: Flask, limiter: Limiter, bp: Blueprint) -> None:
    """``limiter.init_app(app)``, with its per-request check run for ``bp``'s requests
    only. Flask-Limiter checks every request of the app, and even a request no limit
    applies to pays for the lookups: the webhooks (tens per call, the hottest requests
    of the app) skip them here."""
    hooks = app.before_request_funcs.setdefault(None, [])
    before = list(hooks)
    limiter.init_app(app)
    added = [hook for hook in hooks if hook not in before]
    for hook in added:
        hooks[hooks.index(hook)] = _only_for(bp.name, hook)


def _only_for(name: str, hook: Callable[[], Any]) -> Any:
    def check() -> Any:
        return hook() if request.blueprint == name else None
    return check
