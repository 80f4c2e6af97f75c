"""The supervisor's report: counts by status, category and pokja, and SLA breaches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from tickets.clock import utcnow
from tickets.lifecycle import AT_DESK, AT_POKJA, Principal
from tickets.models import Category, Pokja, Role, Status, Ticket
from tickets.permissions import require_role


def verify_overdue(now: datetime) -> tuple[ColumnElement[bool], ...]:
    """Still at the call centre after its verification deadline: the one definition the
    report, the dashboard and the monthly report share."""
    return (Ticket.status.in_(AT_DESK), Ticket.verify_due_at < now)


def followup_overdue(now: datetime) -> tuple[ColumnElement[bool], ...]:
    """Open with a pokja after its follow-up deadline."""
    return (Ticket.status.in_(AT_POKJA), Ticket.followup_due_at < now)


@dataclass(frozen=True)
class Report:
    total: int
    by_status: list[tuple[Status, int]]
    by_category: list[tuple[str, int]]
    by_pokja: list[tuple[str, int]]
    verify_overdue: list[Ticket]
    followup_overdue: list[Ticket]
    verify_overdue_count: int
    followup_overdue_count: int


def summary(session: Session, user: Principal, now: datetime | None = None,
            listed: int = 20) -> Report:
    require_role(user, Role.SUPERVISOR)
    now = now or utcnow()
    by_status = dict(session.execute(
        select(Ticket.status, func.count()).group_by(Ticket.status)).all())
    by_category = session.execute(
        select(func.coalesce(Category.name, "(tanpa kategori)"), func.count(Ticket.id))
        .select_from(Ticket).outerjoin(Category, Ticket.category_id == Category.id)
        .group_by(Category.name).order_by(func.count(Ticket.id).desc())).all()
    by_pokja = session.execute(
        select(func.coalesce(Pokja.name, "(belum ditentukan)"), func.count(Ticket.id))
        .select_from(Ticket).outerjoin(Pokja, Ticket.pokja_id == Pokja.id)
        .group_by(Pokja.name).order_by(func.count(Ticket.id).desc())).all()
    verify_cond = verify_overdue(now)
    follow_cond = followup_overdue(now)

    def overdue(cond: tuple, column) -> tuple[list[Ticket], int]:  # type: ignore[no-untyped-def,type-arg]
        rows = list(session.scalars(select(Ticket).where(*cond).order_by(column).limit(listed)))
        count = session.scalar(select(func.count()).select_from(Ticket).where(*cond)) or 0
        return rows, count

    verify_rows, verify_count = overdue(verify_cond, Ticket.verify_due_at)
    follow_rows, follow_count = overdue(follow_cond, Ticket.followup_due_at)
    return Report(
        total=sum(by_status.values()),
        by_status=[(s, by_status.get(s, 0)) for s in Status],
        by_category=[(name, n) for name, n in by_category],
        by_pokja=[(name, n) for name, n in by_pokja],
        verify_overdue=verify_rows, followup_overdue=follow_rows,
        verify_overdue_count=verify_count, followup_overdue_count=follow_count,
    )
