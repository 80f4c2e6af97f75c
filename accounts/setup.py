"""What a new install still lacks before citizens can be served: the setup checklist that
``hotline check`` prints and the admin console shows until every step is done, and who
cannot be reached by the alerts and digests.

A step names what is missing in Indonesian, for the admin who fills it in the console.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accounts.models import User
from accounts.services import ROLE_LABELS
from tickets.models import Category, Pokja, Role

# Without one active user of each, a ticket has nobody to verify, answer or oversee it.
REQUIRED_ROLES = (Role.OPERATOR, Role.POKJA, Role.SUPERVISOR)
# Roles that alerts and digests are sent to personally (early warnings and the daily
# digest to supervisors, approvals and escalations to heads, escalations to leadership).
NOTIFIED_ROLES = (Role.SUPERVISOR, Role.HEAD, Role.LEADERSHIP)


def contact_routes(user: User) -> list[str]:
    """The ways alerts can reach ``user``: ``e-mail``, ``WhatsApp``. The one place that
    knows a user's contact fields."""
    routes = []
    if (user.email or "").strip():
        routes.append("e-mail")
    if (user.whatsapp or "").strip():
        routes.append("WhatsApp")
    return routes


def reachable(user: User) -> bool:
    return bool(contact_routes(user))


def needs_contact_warning(user: User) -> bool:
    """A personally notified user with no e-mail or WhatsApp: told on every console page."""
    return user.role in NOTIFIED_ROLES and not reachable(user)


@dataclass(frozen=True)
class Unreachable:
    """A notified role: its active users, and the names of those with no contact."""

    role: Role
    active: int
    without_contact: tuple[str, ...]

    @property
    def label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def nobody_reachable(self) -> bool:
        return self.active > 0 and len(self.without_contact) == self.active


def unreachable_roles(session: Session) -> list[Unreachable]:
    """The notified roles with at least one active user that alerts cannot reach."""
    found = []
    for role in NOTIFIED_ROLES:
        users = list(session.scalars(select(User).where(User.role == role,
                                                        User.active.is_(True))
                                     .order_by(User.full_name)))
        missing = tuple(u.full_name for u in users if not reachable(u))
        if missing:
            found.append(Unreachable(role, len(users), missing))
    return found


@dataclass(frozen=True)
class SetupStep:
    key: str
    title: str
    done: bool
    detail: str  # what is missing, or what is there
    page: str  # the console page where it is filled in (an endpoint of agents)


def checklist(session: Session, settings: Mapping[str, str]) -> list[SetupStep]:
    """Every step of the setup, done or not; ``settings`` are the merged hotline settings
    (:func:`tickets.reference.hotline_settings`)."""
    steps = [_categories(session), _pokja(session)]
    counts = dict(session.execute(select(User.role, func.count()).where(User.active.is_(True))
                                  .group_by(User.role)).all())
    for role in REQUIRED_ROLES:
        n = counts.get(role, 0)
        steps.append(SetupStep(
            f"users-{role.value}", f"Pengguna: {ROLE_LABELS[role]}", n > 0,
            f"{n} pengguna aktif" if n else "Belum ada pengguna aktif dengan peran ini.",
            "agents.admin_users"))
    number = (settings.get("hotline_number") or "").strip()
    steps.append(SetupStep(
        "hotline-number", "Nomor hotline", bool(number),
        number or "Belum diisi: warga tidak tahu nomor yang harus ditelepon.",
        "agents.admin_settings"))
    steps.append(_contacts(session))
    return steps


def missing(steps: list[SetupStep]) -> list[SetupStep]:
    return [s for s in steps if not s.done]


def _categories(session: Session) -> SetupStep:
    names = list(session.scalars(select(Category.name).where(
        Category.active.is_(True), Category.ivr_digit.is_not(None)).order_by(Category.ivr_digit)))
    detail = (", ".join(names) if names else
              "Belum ada kategori aktif dengan tombol IVR: penelepon mendengar bahwa layanan "
              "belum dibuka.")
    return SetupStep("categories", "Kategori pengaduan (menu telepon)", bool(names), detail,
                     "agents.admin_categories")


def _pokja(session: Session) -> SetupStep:
    names = list(session.scalars(select(Pokja.code).where(Pokja.active.is_(True))
                                 .order_by(Pokja.code)))
    return SetupStep("pokja", "Pokja / OPD tujuan", bool(names),
                     ", ".join(names) if names else "Belum ada pokja aktif.", "agents.admin_pokja")


def _contacts(session: Session) -> SetupStep:
    """Every active pokja and every notified role can be told of a new or late ticket."""
    silent = list(session.scalars(select(Pokja.code).where(
        Pokja.active.is_(True),
        func.coalesce(Pokja.email, "") == "", func.coalesce(Pokja.whatsapp, "") == "")
        .order_by(Pokja.code)))
    problems = []
    if silent:
        problems.append("pokja tanpa e-mail atau WhatsApp: " + ", ".join(silent))
    for u in unreachable_roles(session):
        problems.append(f"{u.label} tanpa e-mail atau WhatsApp: " + ", ".join(u.without_contact))
    return SetupStep("contacts", "Kontak notifikasi", not problems,
                     "; ".join(problems) if problems else "Semua pokja dan penerima peringatan "
                     "punya alamat e-mail atau WhatsApp.",
                     "agents.admin_users" if not silent else "agents.admin_pokja")
