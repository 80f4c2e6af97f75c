"""The console's ticket factory, for the CLI tests that export what the console holds."""

from tests.agents.conftest import make_ticket  # noqa: F401  (fixture)
