"""the operator's desk: the caller's phone and name indexed, who has a ticket open

Revision ID: 0022
Revises: 0021

The queue finds a caller's tickets by phone number (E.164, an equality lookup on
``ix_tickets_reporter_phone``) and by name (ILIKE, a trigram index on PostgreSQL); the
ticket page lists the caller's earlier calls (``ix_calls_from_number``). ``ticket_presence``
holds one row per user with a ticket page open, refreshed by the page's heartbeat and
read only while fresh.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: Union[str, Sequence[str], None] = "0021"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_tickets_reporter_phone", "tickets", ["reporter_phone", "created_at"])
    op.create_index("ix_calls_from_number", "calls", ["from_number"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_tickets_reporter_name_trgm ON tickets "
                   "USING gin (reporter_name gin_trgm_ops)")
    op.create_table(
        "ticket_presence",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_ticket_presence_ticket_id_tickets")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_ticket_presence_user_id_users")),
        sa.PrimaryKeyConstraint("ticket_id", "user_id", name=op.f("pk_ticket_presence")),
    )


def downgrade() -> None:
    op.drop_table("ticket_presence")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_tickets_reporter_name_trgm")
    op.drop_index("ix_calls_from_number", table_name="calls")
    op.drop_index("ix_tickets_reporter_phone", table_name="tickets")
