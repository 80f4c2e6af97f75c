"""A public edge's rate limiter runs on that edge's requests only: the limit and its
headers stay on the edge, and every other request (the webhooks) skips the limiter."""

from __future__ import annotations

import pytest
from flask import Blueprint, Flask
from flask_limiter import Limiter

from portal.limits import init_for_blueprint


@pytest.fixture
def limited() -> tuple[Flask, list[str]]:
    app = Flask(__name__)
    edge, other = Blueprint("edge", __name__), Blueprint("other", __name__)
    edge.add_url_rule("/edge", "hit", lambda: "ok", methods=["POST"])
    other.add_url_rule("/other", "hit", lambda: "ok", methods=["POST"])
    limiter = Limiter(lambda: "client", storage_uri="memory://", headers_enabled=True,
                      strategy="moving-window")
    limiter.limit("2/minute")(edge)
    init_for_blueprint(app, limiter, edge)
    app.register_blueprint(edge)
    app.register_blueprint(other)
    used: list[str] = []
    real = Limiter.context

    def counting(self: Limiter):  # type: ignore[no-untyped-def]
        from flask import request
        used.append(request.path)
        return real.fget(self)  # type: ignore[attr-defined]

    setattr(Limiter, "context", property(counting))  # noqa: B010
    yield app, used
    setattr(Limiter, "context", real)  # noqa: B010


def test_the_edge_is_limited_and_reports_its_limit_in_headers(limited):
    app, used = limited
    client = app.test_client()
    answers = [client.post("/edge") for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 429]
    assert answers[0].headers["X-RateLimit-Limit"] == "2"
    assert answers[1].headers["X-RateLimit-Remaining"] == "0"
    assert used and set(used) == {"/edge"}


def test_another_blueprints_requests_skip_every_hook_of_the_limiter(limited):
    app, used = limited
    client = app.test_client()
    assert client.post("/edge").status_code == 200
    used.clear()
    for _ in range(3):
        answer = client.post("/other")
        assert answer.status_code == 200
        assert not any(name.startswith("X-RateLimit") for name in answer.headers.keys())
    assert used == []
