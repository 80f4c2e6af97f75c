"""escalation ladder (thresholds with history, escalations once per ticket and level,
dispositions) and trusted community reporters with the tickets they filed

Revision ID: 0017
Revises: 0016
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: Union[str, Sequence[str], None] = "0016"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "escalation_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("pokja_id", sa.Integer(), sa.ForeignKey("pokja.id"), nullable=True),
        sa.Column("head_after_days", sa.Integer(), nullable=False),
        sa.Column("leadership_after_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_by_label", sa.String(200), nullable=False),
    )
    op.create_index("ix_escalation_rules_pokja_id", "escalation_rules", ["pokja_id"])
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("pokja_id", sa.Integer(), sa.ForeignKey("pokja.id"), nullable=True),
        sa.Column("days_late", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("ticket_id", "level"),
    )
    op.create_index("ix_escalations_ticket_id", "escalations", ["ticket_id"])
    op.create_index("ix_escalations_created_at", "escalations", ["created_at"])
    op.create_table(
        "dispositions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("author_label", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_dispositions_ticket_id", "dispositions", ["ticket_id"])
    op.create_table(
        "trusted_reporters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("phone", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.Enum("ketua_rt", "ketua_rw", "kepala_dusun", "linmas",
                                  name="reporter_role", native_enum=False, length=32),
                  nullable=False),
        sa.Column("desa", sa.String(200), nullable=False),
        sa.Column("rt", sa.String(8), nullable=True),
        sa.Column("rw", sa.String(8), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deactivated_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "trusted_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False,
                  unique=True),
        sa.Column("reporter_id", sa.Integer(), sa.ForeignKey("trusted_reporters.id"),
                  nullable=False),
        sa.Column("area", sa.String(300), nullable=False),
        sa.Column("desa", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_trusted_reports_reporter_id", "trusted_reports", ["reporter_id"])
    op.create_index("ix_trusted_reports_desa", "trusted_reports", ["desa"])


def downgrade() -> None:
    op.drop_table("trusted_reports")
    op.drop_table("trusted_reporters")
    op.drop_table("dispositions")
    op.drop_table("escalations")
    op.drop_table("escalation_rules")
