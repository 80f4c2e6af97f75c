"""The console's cast (tests/agents/conftest.py) for the trusted reporters' tests."""

from tests.agents.conftest import (  # noqa: F401  (fixtures)
    admin,
    agent,
    make_ticket,
    operator,
    pokja,
    supervisor,
)
