"""The demo hotline: five pokja, six categories and one user per role.

For `make run` and the tests. Refused in production (its password is published).
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.models import User
from accounts.passwords import hash_password
from analytics import demo as analytics_demo
from partners import demo as partners_demo
from tickets.models import Category, Pokja, Role

DEMO_POKJA = (
    ("PUPR", "Pokja Infrastruktur (Dinas PUPR)", "pupr@pemkab.example.id"),
    ("DINKES", "Pokja Kesehatan (Dinas Kesehatan)", "dinkes@pemkab.example.id"),
    ("DISDIK", "Pokja Pendidikan (Dinas Pendidikan)", "disdik@pemkab.example.id"),
    ("DUKCAPIL", "Pokja Kependudukan (Disdukcapil)", "dukcapil@pemkab.example.id"),
    ("DLH", "Pokja Lingkungan Hidup (DLH)", "dlh@pemkab.example.id"),
)

DEMO_CATEGORIES = (
    (1, "Jalan dan jembatan", "PUPR"),
    (2, "Layanan kesehatan", "DINKES"),
    (3, "Pendidikan", "DISDIK"),
    (4, "Administrasi kependudukan", "DUKCAPIL"),
    (5, "Sampah dan kebersihan", "DLH"),
    (6, "Lainnya", None),
)

DEMO_PASSWORD = "suarawarga"

DEMO_USERS = (
    ("operator", "Operator Call Center", Role.OPERATOR, None),
    ("pokja", "Admin Pokja Infrastruktur", Role.POKJA, "PUPR"),
    ("pokja2", "Admin Pokja Kesehatan", Role.POKJA, "DINKES"),
    ("pokja3", "Admin Pokja Pendidikan", Role.POKJA, "DISDIK"),
    ("pimpinan", "Kepala Dinas Pendidikan", Role.HEAD, "DISDIK"),
    ("supervisor", "Pimpinan", Role.SUPERVISOR, None),
    ("admin", "Admin Diskominfo", Role.ADMIN, None),
)


@cache
def _demo_hash() -> str:
    # One scrypt hash for all demo users: seeding stays fast (tests seed often).
    return hash_password(DEMO_PASSWORD)


def seed_demo(session: Session) -> bool:
    """Create the demo pokja, categories and users once; False when already seeded."""
    if session.scalar(select(Pokja.id).limit(1)) is not None:
        analytics_demo.seed(session)  # a demo seeded before analytics/ existed gets its part
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
    partners_demo.seed(session)  # DISDIK answers with its head's approval; two partners
    return True
