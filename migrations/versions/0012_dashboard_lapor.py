"""SP4N-LAPOR! fields on the ticket, the time of verification, the dashboard's index,
and e-mail attachments in the outbox (the monthly report)

Revision ID: 0012
Revises: 0011

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: Union[str, Sequence[str], None] = "0011"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

CLASSIFICATIONS = ("pengaduan", "aspirasi", "permintaan_informasi")


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column(
            "classification",
            sa.Enum(*CLASSIFICATIONS, name="classification", native_enum=False, length=32),
            nullable=False, server_default="pengaduan"))
        batch.add_column(sa.Column("title", sa.String(200), nullable=True))
        batch.add_column(sa.Column("lapor_tracking_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("verified_at", sa.DateTime(), nullable=True))
        for name in ("verify_work_seconds", "forward_work_seconds", "answer_work_seconds"):
            batch.add_column(sa.Column(name, sa.Integer(), nullable=True))
    op.create_index("ix_tickets_lapor_tracking_id", "tickets", ["lapor_tracking_id"])
    op.create_index("ix_tickets_dashboard", "tickets",
                    ["created_at", "channel", "category_id", "pokja_id", "status"])
    op.create_table(
        "outbox_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox_messages.id"],
                                name="fk_outbox_attachments_outbox_id_outbox_messages"),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_attachments"),
    )
    op.create_index("ix_outbox_attachments_outbox_id", "outbox_attachments", ["outbox_id"])
    spans = sa.JSON().with_variant(postgresql.ARRAY(sa.Integer()), "postgresql")
    op.create_table(
        "dashboard_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("pokja_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in (
            "received", "verified", "verified_ok", "answered", "answered_ok")],
        *[sa.Column(name, spans, nullable=False) for name in (
            "verify_spans", "forward_spans", "answer_spans")],
        sa.PrimaryKeyConstraint("id", name="pk_dashboard_days"),
    )
    op.create_index("ix_dashboard_days_day", "dashboard_days", ["day"])
    op.create_table(
        "dashboard_dirty",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dashboard_dirty"),
    )
    op.create_index("ix_dashboard_dirty_day", "dashboard_dirty", ["day"])
    # Every day with tickets is summarised on the dashboard's first use.
    day = ("CAST(created_at AS DATE)" if op.get_bind().dialect.name == "postgresql"
           else "date(created_at)")
    op.execute(f"INSERT INTO dashboard_dirty (day) SELECT DISTINCT {day} FROM tickets")
    # Tickets decided before this column existed: their forwarding (or end) is the decision.
    op.execute("UPDATE tickets SET verified_at = COALESCE(forwarded_at, closed_at) "
               "WHERE status NOT IN ('recorded', 'awaiting_verification', 'postponed')")


def downgrade() -> None:
    op.drop_index("ix_dashboard_dirty_day", table_name="dashboard_dirty")
    op.drop_table("dashboard_dirty")
    op.drop_index("ix_dashboard_days_day", table_name="dashboard_days")
    op.drop_table("dashboard_days")
    op.drop_index("ix_outbox_attachments_outbox_id", table_name="outbox_attachments")
    op.drop_table("outbox_attachments")
    op.drop_index("ix_tickets_dashboard", table_name="tickets")
    op.drop_index("ix_tickets_lapor_tracking_id", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        for name in ("verify_work_seconds", "forward_work_seconds", "answer_work_seconds"):
            batch.drop_column(name)
        batch.drop_column("verified_at")
        batch.drop_column("lapor_tracking_id")
        batch.drop_column("title")
        batch.drop_column("classification")
