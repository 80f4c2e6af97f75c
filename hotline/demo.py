"""The demo hotline: five pokja, six categories and one user per role.

For `make run` and the tests. Refused in production (its password is published).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.models import User
from accounts.passwords import hash_password
from analytics import demo as analytics_demo
from escalation import demo as escalation_demo
from hotline.demo_data import DEMO_CATEGORIES, DEMO_POKJA
from media import source_demo
from partners import demo as partners_demo
from tickets.models import Category, Pokja, Role

__all__ = ["DEMO_CATEGORIES", "DEMO_PASSWORD", "DEMO_POKJA", "DEMO_USERS", "seed_demo"]

DEMO_PASSWORD = "suarawarga"

DEMO_USERS = (
    ("operator", "Operator Call Center", Role.OPERATOR, None),
    ("pokja", "Admin Pokja Infrastruktur", Role.POKJA, "PUPR"),
    ("pokja2", "Admin Pokja Kesehatan", Role.POKJA, "DINKES"),
    ("pokja3", "Admin Pokja Pendidikan", Role.POKJA, "DISDIK"),
    ("pimpinan", "Kepala Dinas Pendidikan", Role.HEAD, "DISDIK"),
    ("supervisor", "Pimpinan", Role.SUPERVISOR, None),
    ("admin", "Admin Diskominfo", Role.ADMIN, None),
    ("kepala_pupr", "Kepala Dinas PUPR", Role.HEAD, "PUPR"),
    ("bupati", "Bupati (pimpinan daerah)", Role.LEADERSHIP, None),
)

# What each demo user is for: printed by `hotline seed-demo` (and so by `make run`) beside
# the login, so a newcomer knows whom to sign in as for each flow.
DEMO_FLOWS = {
    "operator": "verifies and forwards calls, records social-media posts and letters",
    "pokja": "answers PUPR tickets, asks the partner institutions (PLN, PDAM)",
    "pokja2": "answers DINKES tickets",
    "pokja3": "answers DISDIK tickets, each answer waiting for the head's approval",
    "pimpinan": "approves, edits or returns DISDIK's draft answers",
    "supervisor": "dashboard, monthly report, trusted reporters by area, publishing",
    "admin": "users, pokja, partners, escalation thresholds, trusted reporters",
    "kepala_pupr": "notified of late PUPR tickets (escalation), e-mail and WhatsApp",
    "bupati": "the regent's office: overdue tickets by agency, dispositions",
}


@cache
def _demo_hash() -> str:
    # One scrypt hash for all demo users: seeding stays fast (tests seed often).
    return hash_password(DEMO_PASSWORD)


def seed_demo(session: Session, media_dir: Path | None = None, tz: str = "Asia/Jakarta"
              ) -> bool:
    """Create the demo pokja, categories and users once; False when already seeded.
    With ``media_dir`` (the CLI) also a complaint found on Facebook with its screenshot;
    the tests seed without it, so they start with no ticket."""
    if session.scalar(select(Pokja.id).limit(1)) is not None:
        analytics_demo.seed(session)  # a demo seeded before analytics/ existed gets its part
        _seed_sources(session, media_dir, tz)
        return False
    pokja = {code: Pokja(code=code, name=name, email=email) for code, name, email in DEMO_POKJA}
    session.add_all(pokja.values())
    session.flush()
    for digit, name, code in DEMO_CATEGORIES:
        session.add(Category(
            name=name, ivr_digit=digit, pokja_id=pokja[code].id if code else None
        ))
    for username, full_name, role, code in DEMO_USERS:
        session.add(User(username=username, full_name=full_name, password_hash=_demo_hash(),
                         role=role, pokja_id=pokja[code].id if code else None))
    session.flush()
    analytics_demo.seed(session)  # early-warning groups and the demo regency's places
    escalation_demo.seed(session)  # the head's and regent's e-mail, a trusted ketua RT
    _seed_sources(session, media_dir, tz)
    partners_demo.seed(session)  # DISDIK answers with its head's approval; two partners
    return True


def sign_in_lines() -> list[str]:
    """One line per demo user: login, role (as the console names it), pokja and flow."""
    from accounts.services import ROLE_LABELS

    width = max(len(u[0]) for u in DEMO_USERS)
    return [f"  {username:<{width}}  {ROLE_LABELS[role]}{f' ({code})' if code else ''}: "
            f"{DEMO_FLOWS[username]}" for username, _, role, code in DEMO_USERS]


def _seed_sources(session: Session, media_dir: Path | None, tz: str) -> None:
    operator = session.scalar(select(User).where(User.username == "operator"))
    if media_dir is not None and operator is not None:
        source_demo.seed(session, operator, media_dir, tz=tz)
