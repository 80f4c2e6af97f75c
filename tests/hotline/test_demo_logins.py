"""The demo seed tells a newcomer whom to sign in as: every demo login with its role, as
the console names it, its pokja and the flow it shows."""

from __future__ import annotations

from hotline.cli import cli
from hotline.demo import DEMO_PASSWORD, DEMO_USERS


def test_seed_demo_prints_each_login_with_its_role(app):
    result = app.test_cli_runner().invoke(cli, ["seed-demo"])
    assert result.exit_code == 0, result.output
    assert f"password '{DEMO_PASSWORD}'" in result.output
    logins = {line.split()[0]: line for line in result.output.splitlines()
              if line.startswith("  ")}
    assert set(logins) == {username for username, *_ in DEMO_USERS}
    for username, expected in (
            ("operator", "Operator call center"),
            ("pokja3", "Admin pokja (DISDIK)"),
            ("pimpinan", "Pimpinan OPD (kepala SKPD) (DISDIK)"),
            ("bupati", "Pimpinan daerah"),
            ("admin", "Admin sistem")):
        assert expected in logins[username], logins[username]
    assert "approves" in logins["pimpinan"]
