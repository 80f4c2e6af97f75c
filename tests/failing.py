"""Views that fail, for the tests of the error pages: a bug, or the database going away
in the middle of a request.

``failing_views`` mounts one such view at each rule given and makes the app answer a
server error as it does in production: with its 500 page, not by raising into the test
client (``PROPAGATE_EXCEPTIONS``, which ``TESTING`` turns on). Mount them before the
app's first request; Flask refuses new routes after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, text

from hotline.app import create_app, request_session
from hotline.settings import Settings

# What an exception might carry that a page must never show.
SECRET = "rahasia-internal: postgresql://hotline:sandi-db@10.0.0.5/hotline"


class Outage:
    """The database, which the failing views take down once ``arm()`` was called: from
    then on every statement on the app's engine fails, and is recorded in ``refused``."""

    def __init__(self, app: Flask) -> None:
        self.armed = False
        self.down = False
        self.refused: list[str] = []
        event.listen(app.extensions["hotline"].engine, "before_cursor_execute", self._refuse)

    def arm(self) -> None:
        self.armed = True

    def _refuse(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if self.down:
            self.refused.append(statement)
            raise ConnectionError("the database is unreachable")


def failing_views(app: Flask, *rules: str) -> Outage:
    outage = Outage(app)

    def fail(**_args: str) -> str:
        request_session().execute(text("SELECT 1"))  # the request had begun its work
        outage.down = outage.armed
        raise RuntimeError(SECRET)

    for number, rule in enumerate(rules):
        app.add_url_rule(rule, f"failing_{number}", fail, methods=["GET", "POST"])
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return outage


@pytest.fixture
def own_app(settings: Settings) -> Iterator[Flask]:
    """An app of the test's own: an outage adds routes and answers 500s as production
    does, which the session's shared app must not keep (tests/isolation.py)."""
    app = create_app(settings, TESTING=True, CELERY={"task_always_eager": True})
    yield app
    app.extensions["hotline"].engine.dispose()
