"""The console's cast and ticket factory, for the CLI tests that export what the console
holds and for the request's unit of work."""

from tests.agents.conftest import (  # noqa: F401  (fixtures)
    admin,
    agent,
    make_ticket,
    operator,
    supervisor,
)
