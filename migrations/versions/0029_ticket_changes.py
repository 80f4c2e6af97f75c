"""the dashboard corrects its summaries by the tickets changed since the refresh

Revision ID: 0029
Revises: 0028

Between two refreshes a view summed every marked day from its tickets: at a province's
pace an hour's changes touch the last two weeks, about 125,000 tickets per view at 10
million. ``dashboard_changes`` keeps each changed ticket's row as the summaries stored it
(captured before its first change after a refresh), so a view subtracts those and adds
the few changed tickets as they stand. Marks written with such a capture say so
(``captured``); marks waiting at upgrade, and those of bulk writes, keep their days
summed live until the refresh.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: Union[str, Sequence[str], None] = "0028"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("dashboard_dirty") as batch:
        batch.add_column(sa.Column("captured", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        "dashboard_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("pokja_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(32), nullable=True),
        *[sa.Column(name, sa.Integer(), nullable=True)
          for name in ("verified", "verified_ok", "answered", "answered_ok", "verify_span",
                       "forward_span", "answer_span", "kecamatan_id", "desa_id")],
    )
    op.create_index("ix_dashboard_changes_ticket_id", "dashboard_changes", ["ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_dashboard_changes_ticket_id", table_name="dashboard_changes")
    op.drop_table("dashboard_changes")
    with op.batch_alter_table("dashboard_dirty") as batch:
        batch.drop_column("captured")
