"""Hostile input: the console's cast, Twilio-signed webhooks through the test client,
and the Hypothesis profiles with a count of the cases they generated.

``HYPOTHESIS_PROFILE=ci`` (the default: derandomized, few examples, part of every run)
or ``nightly`` (random seeds, many more examples): ``make test-hostile-nightly``.
"""

from __future__ import annotations

import os
import secrets
from collections import Counter, defaultdict
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from twilio.request_validator import RequestValidator
from werkzeug.test import TestResponse

from hotline.settings import Settings
from tests.agents.conftest import (  # noqa: F401  (fixtures)
    admin,
    agent,
    make_ticket,
    operator,
    pokja,
    supervisor,
)
from tests.portal.conftest import limiter_clock  # noqa: F401  (fixture)

_SLOW_IS_FINE = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                 HealthCheck.data_too_large]
# The quick tier: the same cases on every run and machine, and no shrinking (a property
# that talks to the app takes minutes to shrink; the failing case and its reproduction
# blob are printed as found). Nightly/benchmark: fresh random cases on each run, shrunk.
hypothesis_settings.register_profile(
    "ci", max_examples=10, derandomize=True, database=None, deadline=None,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=_SLOW_IS_FINE,
    print_blob=True)
hypothesis_settings.register_profile(
    "nightly", max_examples=300, deadline=None, suppress_health_check=_SLOW_IS_FINE,
    print_blob=True)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
hypothesis_settings.load_profile(PROFILE)
# Properties of pure functions cost microseconds an example: ten times as many.
PURE = hypothesis_settings(max_examples=hypothesis_settings().max_examples * 10,
                           phases=list(Phase))

# Generated cases per property, and how they ended where that says something (filed or
# refused), for the terminal summary.
CASES: Counter[str] = Counter()
OUTCOMES: dict[str, Counter[str]] = defaultdict(Counter)


def count(name: str) -> None:
    CASES[name] += 1


def outcome(name: str, how: str) -> None:
    OUTCOMES[name][how] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not CASES:
        return
    terminalreporter.section("hostile input (Hypothesis)")
    for name, n in sorted(CASES.items()):
        ends = ", ".join(f"{how}: {k}" for how, k in sorted(OUTCOMES[name].items()))
        terminalreporter.write_line(f"{n:6d}  {name}" + (f" ({ends})" if ends else ""))
    terminalreporter.write_line(f"{sum(CASES.values()):6d}  generated cases in all, "
                                f"profile {PROFILE!r}")


def sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


class Twilio:
    """Posts to the webhooks as Twilio does, signed for the URL the app sees."""

    def __init__(self, client: FlaskClient, auth_token: str) -> None:
        self.client = client
        self.validator = RequestValidator(auth_token)

    def post(self, path: str, form: dict[str, str]) -> TestResponse:
        signature = self.validator.compute_signature(f"http://localhost{path}", form)
        return self.client.post(path, data=form, headers={"X-Twilio-Signature": signature})

    def message(self, body: str, *, sender: str = "whatsapp:+6281234567890",
                profile: str | None = "Warga Uji", **extra: str) -> TestResponse:
        form = {"MessageSid": sid("SM"), "AccountSid": "AC" + "0" * 32, "From": sender,
                "To": "whatsapp:+62215550112", "Body": body, "NumMedia": "0", **extra}
        if profile is not None:
            form["ProfileName"] = profile
        return self.post("/messaging/inbound", form)


@pytest.fixture
def twilio_post(app: Flask, settings: Settings) -> Twilio:
    return Twilio(app.test_client(), settings.twilio_auth_token)


@pytest.fixture
def whatsapp_ticket(twilio_post: Twilio) -> Callable[..., TestResponse]:
    """A complaint written on WhatsApp from the menu to SELESAI; the last reply."""

    def write(body: str, *, profile: str | None, sender: str = "whatsapp:+6281234567890",
              ) -> TestResponse:
        for text in ("MENU", "1", "1", "2", body):
            response = twilio_post.message(text, sender=sender, profile=profile)
            assert response.status_code == 200, response.get_data(as_text=True)
        return twilio_post.message("SELESAI", sender=sender, profile=profile)

    return write
