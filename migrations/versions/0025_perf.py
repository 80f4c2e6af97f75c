"""the dashboard's summary by place (kecamatan, desa/kelurahan)

Revision ID: 0025
Revises: 0024

``dashboard_place_days``: what ``dashboard_days`` holds, per kecamatan and per desa as
well (reporting.rollup), so a place filter reads summary rows, not a year of tickets.
``dashboard_span_months``: each month's working-time spans binned per tenth of an hour,
per single filter (reporting.medians). Every day with tickets is marked, so the next
hourly refresh fills both (until then the page sums the marked days live, exactly).
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0025"
down_revision: Union[str, Sequence[str], None] = "0024"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    spans = sa.JSON().with_variant(postgresql.ARRAY(sa.Integer()), "postgresql")
    op.create_table(
        "dashboard_place_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grain", sa.String(16), nullable=False),
        sa.Column("kecamatan_id", sa.Integer(), nullable=True),
        sa.Column("desa_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("pokja_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in (
            "received", "verified", "verified_ok", "answered", "answered_ok")],
        *[sa.Column(name, spans, nullable=False) for name in (
            "verify_spans", "forward_spans", "answer_spans")],
        sa.PrimaryKeyConstraint("id", name="pk_dashboard_place_days"),
    )
    op.create_index("ix_dashboard_place_days_day", "dashboard_place_days", ["day"])
    op.create_index("ix_dashboard_place_days_kecamatan", "dashboard_place_days",
                    ["grain", "kecamatan_id", "day"])
    op.create_index("ix_dashboard_place_days_desa", "dashboard_place_days",
                    ["grain", "desa_id", "day"])
    op.create_table(
        "dashboard_span_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("dim", sa.String(16), nullable=False),
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("measure", sa.String(8), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in ("bin", "n", "lo", "hi")],
        sa.PrimaryKeyConstraint("id", name="pk_dashboard_span_months"),
    )
    op.create_index("ix_dashboard_span_months_dim", "dashboard_span_months",
                    ["dim", "key", "month"])
    open_statuses = sa.text("status IN ('recorded', 'awaiting_verification', 'postponed', "
                            "'forwarded', 'in_progress', 'reopened')")
    op.create_index("ix_tickets_open", "tickets", ["status", "created_at"],
                    postgresql_include=["pokja_id", "category_id", "channel", "verify_due_at",
                                        "verified_at", "forwarded_at", "followup_due_at",
                                        "answered_at"],
                    postgresql_where=open_statuses, sqlite_where=open_statuses)
    op.create_index("ix_ticket_places_ticket_place", "ticket_places", ["ticket_id"],
                    postgresql_include=["kecamatan_id", "desa_id"])
    day = ("CAST(created_at AS DATE)" if op.get_bind().dialect.name == "postgresql"
           else "date(created_at)")
    op.execute(f"INSERT INTO dashboard_dirty (day) SELECT DISTINCT {day} FROM tickets")


def downgrade() -> None:
    op.drop_index("ix_tickets_open", table_name="tickets")
    op.drop_index("ix_ticket_places_ticket_place", table_name="ticket_places")
    op.drop_table("dashboard_span_months")
    op.drop_table("dashboard_place_days")
