"""the operators' desk: who holds a ticket per team, and saved queue views

Revision ID: 0024
Revises: 0023

``ticket_assignments``: one holder per ticket and team (the call centre, or a pokja as
``p<id>``), not a column of ``tickets`` so that taking a ticket does not bump its
version. ``saved_views``: a user's named queue filters and sort ("tampilan").
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: Union[str, Sequence[str], None] = "0023"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "ticket_assignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("team", sa.String(16), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("ticket_id", "team"),
    )
    op.create_index("ix_ticket_assignments_user", "ticket_assignments", ["user_id", "team"])
    op.create_table(
        "saved_views",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("query", sa.String(1000), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("user_id", "name"),
    )
    op.create_index("ix_saved_views_user_id", "saved_views", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_saved_views_user_id", table_name="saved_views")
    op.drop_table("saved_views")
    op.drop_index("ix_ticket_assignments_user", table_name="ticket_assignments")
    op.drop_table("ticket_assignments")
