"""the dashboard's backlog from the summaries' open rows

Revision ID: 0028
Revises: 0027

The backlog (open tickets by status and age) was counted from the open tickets, and under
a place filter each open ticket's place was looked up: at ten million tickets the planner
preferred reading the kecamatan's half a million places instead, about a second per view.
The summaries already hold the open tickets per day and status (a status change marks the
ticket's day), so the dashboard reads their open rows, through these partial indexes.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: Union[str, Sequence[str], None] = "0027"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OPEN_STATUSES = ("recorded", "awaiting_verification", "postponed", "forwarded",
                 "in_progress", "reopened")
INDEXES = (("ix_dashboard_days_open", "dashboard_days", ["day"]),
           ("ix_dashboard_place_days_open_kecamatan", "dashboard_place_days",
            ["grain", "kecamatan_id"]),
           ("ix_dashboard_place_days_open_desa", "dashboard_place_days", ["grain", "desa_id"]))


def upgrade() -> None:
    open_rows = sa.column("status").in_(OPEN_STATUSES)
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, postgresql_where=open_rows,
                        sqlite_where=open_rows)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
