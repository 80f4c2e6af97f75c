"""Reference data: pokja, categories, hotline settings, and the demo data set."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from tickets.models import Category, HotlineSetting, Pokja, Role, User
from tickets.users import hash_password

# Keys of the hotline settings an admin may change in the console; the
# environment supplies the defaults.
EDITABLE_SETTINGS = (
    "agency_name", "office_hours", "operator_number", "tts_voice", "record_max_seconds",
)


def hotline_settings(session: Session, defaults: Mapping[str, str]) -> dict[str, str]:
    merged = {k: str(v) for k, v in defaults.items()}
    for row in session.scalars(select(HotlineSetting)):
        if row.key in EDITABLE_SETTINGS:
            merged[row.key] = row.value
    return merged


def set_hotline_setting(session: Session, key: str, value: str) -> None:
    if key not in EDITABLE_SETTINGS:
        raise KeyError(key)
    row = session.scalar(select(HotlineSetting).where(HotlineSetting.key == key))
    if row is None:
        session.add(HotlineSetting(key=key, value=value))
    else:
        row.value = value


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
    session.commit()
    return True


def active_pokja(session: Session) -> list[Pokja]:
    return list(session.scalars(select(Pokja).where(Pokja.active.is_(True)).order_by(Pokja.name)))


def users_by_role(session: Session, role: Role) -> list[User]:
    return list(session.scalars(select(User).where(User.role == role)))

