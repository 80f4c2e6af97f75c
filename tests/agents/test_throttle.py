"""The sign-in throttle, per account and per address, on an injected clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from accounts.models import LoginAttempt
from accounts.services import LOCK_WINDOW, LoginFailed, LoginLocked, sign_in
from hotline.demo import DEMO_PASSWORD

T0 = datetime(2026, 3, 2, 1, 0)
RIGHT = DEMO_PASSWORD
PER_ACCOUNT, PER_ADDRESS = 5, 8


@pytest.fixture
def attempt(db):
    def go(username: str, password: str, ip: str, *, at: datetime, device: str | None = None,
           refuse_published: bool = False) -> str:
        try:
            sign_in(db, username, password, ip, max_attempts=PER_ACCOUNT,
                    max_per_address=PER_ADDRESS, device=device, now=at,
                    refuse_published=refuse_published)
            result = "ok"
        except LoginLocked as exc:
            result = "locked: " + exc.message
        except LoginFailed as exc:
            result = "wrong: " + exc.message
        db.commit()  # as the request does, failed or not
        return result

    return go


def _failures(db, **where) -> int:
    query = select(func.count()).select_from(LoginAttempt)
    for key, value in where.items():
        query = query.where(getattr(LoginAttempt, key) == value)
    return db.scalar(query)


def test_an_account_locks_after_failures_from_anywhere_and_unlocks_by_itself(attempt, db):
    for i in range(PER_ACCOUNT):
        assert attempt("operator", "tebakan", f"198.51.100.{i}", at=T0 + timedelta(seconds=i)
                       ).startswith("wrong")
    # The right password from yet another address: the account is locked.
    locked = attempt("operator", RIGHT, "203.0.113.50", at=T0 + timedelta(minutes=5))
    assert locked == ("locked: Terlalu banyak percobaan masuk yang gagal. "
                      "Coba lagi dalam 10 menit.")
    assert _failures(db) == PER_ACCOUNT  # a refused attempt does not extend the lock
    # Another account is not affected.
    assert attempt("supervisor", RIGHT, "198.51.100.0", at=T0 + timedelta(minutes=5)) == "ok"
    # The lock is temporary: once the first failure has left the window, it lifts.
    assert attempt("operator", RIGHT, "203.0.113.50",
                   at=T0 + LOCK_WINDOW + timedelta(seconds=1)) == "ok"


def test_an_address_spraying_many_usernames_is_throttled(attempt, db):
    spray = "203.0.113.7"
    names = ["operator", "pokja", "admin", "supervisor", "andi", "budi", "citra", "dewi"]
    for i, name in enumerate(names):
        assert attempt(name, "Jakarta2026!", spray, at=T0 + timedelta(seconds=i)
                       ).startswith("wrong")
    # No account saw more than one failure, but the address is locked for every name.
    assert attempt("pokja2", RIGHT, spray, at=T0 + timedelta(minutes=1)).startswith("locked")
    assert attempt("operator", RIGHT, spray, at=T0 + timedelta(minutes=1)).startswith("locked")
    # Everyone elsewhere signs in.
    assert attempt("pokja2", RIGHT, "198.51.100.20", at=T0 + timedelta(minutes=1)) == "ok"
    assert attempt("pokja2", RIGHT, spray, at=T0 + LOCK_WINDOW + timedelta(seconds=1)) == "ok"


def test_a_known_browser_is_not_locked_out_by_failures_elsewhere(attempt, db):
    for i in range(PER_ACCOUNT):
        attempt("operator", "tebakan", f"198.51.100.{i}", at=T0 + timedelta(seconds=i))
    later = T0 + timedelta(minutes=1)
    assert attempt("operator", RIGHT, "192.0.2.10", at=later).startswith("locked")
    # The operator's own browser (the device token the console gave it) still gets in,
    # even from an address that is itself locked.
    for i in range(PER_ADDRESS):
        attempt(f"x{i}", "tebakan", "192.0.2.10", at=later)
    assert attempt("operator", RIGHT, "192.0.2.10", at=later, device="d-operator") == "ok"
    # A device has its own limit: guessing through a stolen device cookie is slowed too.
    for _ in range(PER_ACCOUNT):
        assert attempt("operator", "tebakan", "192.0.2.10", at=later,
                       device="d-operator").startswith("wrong")
    assert attempt("operator", RIGHT, "192.0.2.10", at=later,
                   device="d-operator").startswith("locked")


def test_a_success_forgets_the_users_own_slips_but_not_failures_elsewhere(attempt, db):
    for i in range(2):
        attempt("operator", "tebakan", "198.51.100.66", at=T0 + timedelta(seconds=i))
        attempt("operator", "typo", "192.0.2.10", at=T0 + timedelta(seconds=i))
    assert attempt("operator", RIGHT, "192.0.2.10", at=T0 + timedelta(seconds=5)) == "ok"
    assert _failures(db, username="operator") == 2
    assert _failures(db, ip="198.51.100.66") == 2


def test_production_refuses_the_published_demo_password_and_counts_it(attempt, db):
    refused = attempt("admin", RIGHT, "192.0.2.10", at=T0, refuse_published=True)
    assert refused.startswith("wrong: Kata sandi ini dipublikasikan")
    assert _failures(db, username="admin") == 1
    assert attempt("admin", RIGHT, "192.0.2.10", at=T0) == "ok"  # development
