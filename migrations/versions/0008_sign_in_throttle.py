"""sign-in throttle per account and per address: the failing browser's device token,
indexes for counting one address's failures and for pruning old ones

Revision ID: 0008
Revises: 0007

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("login_attempts") as batch:
        batch.add_column(sa.Column("device", sa.String(length=64), nullable=True))
    op.create_index("ix_login_attempts_ip", "login_attempts", ["ip", "at"])
    op.create_index("ix_login_attempts_at", "login_attempts", ["at"])


def downgrade() -> None:
    op.drop_index("ix_login_attempts_at", table_name="login_attempts")
    op.drop_index("ix_login_attempts_ip", table_name="login_attempts")
    with op.batch_alter_table("login_attempts") as batch:
        batch.drop_column("device")
