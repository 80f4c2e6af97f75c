"""What every ``hotline`` sub-command module shares."""

from __future__ import annotations

from flask import current_app

from hotline.runtime import Runtime


def app_runtime() -> Runtime:
    """The runtime the CLI's app was built with (``hotline.app.create_app``)."""
    runtime: Runtime = current_app.extensions["hotline"]
    return runtime
