"""The rate limiter of one public edge, run on that edge's requests only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, request
from flask_limiter import Limiter


def init_for_blueprint(app: Flask, limiter: Limiter, bp: Blueprint) -> None:
    """``limiter.init_app(app)``, with its per-request hooks run for ``bp``'s requests
    only. Flask-Limiter checks every request of the app, injects its headers into every
    response and resets its state after every request, and even a request no limit
    applies to pays for the lookups: the webhooks (tens per call, the hottest requests
    of the app) skip them here. The limits live on ``bp`` alone, so a request of
    another blueprint has no limiter state to report or reset."""
    before = app.before_request_funcs.setdefault(None, [])
    after = app.after_request_funcs.setdefault(None, [])
    teardown = app.teardown_request_funcs.setdefault(None, [])
    known: list[list[Any]] = [list(before), list(after), list(teardown)]
    limiter.init_app(app)
    _wrap_new(before, known[0], lambda hook: _only_for(bp.name, hook))
    _wrap_new(after, known[1], lambda hook: _response_only_for(bp.name, hook))
    _wrap_new(teardown, known[2], lambda hook: _teardown_only_for(bp.name, hook))


def _wrap_new(hooks: list[Any], known: list[Any], wrap: Callable[[Any], Any]) -> None:
    for hook in [hook for hook in hooks if hook not in known]:
        hooks[hooks.index(hook)] = wrap(hook)


def _only_for(name: str, hook: Callable[[], Any]) -> Any:
    def check() -> Any:
        return hook() if request.blueprint == name else None
    return check


def _response_only_for(name: str, hook: Callable[[Any], Any]) -> Any:
    def inject(response: Any) -> Any:
        return hook(response) if request.blueprint == name else response
    return inject


def _teardown_only_for(name: str, hook: Callable[[BaseException | None], Any]) -> Any:
    def release(exc: BaseException | None) -> Any:
        return hook(exc) if request.blueprint == name else None
    return release
