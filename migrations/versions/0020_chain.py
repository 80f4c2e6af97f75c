"""the regency's chain, finished: staff WhatsApp numbers and the reporter registry's history

Revision ID: 0020
Revises: 0019

``users.whatsapp``: an agency head's or the leadership's WhatsApp number (E.164), where
the draft-waiting notice, the head's daily digest and the escalation summaries go beside
the e-mail. ``trusted_reporter_changes``: who added, edited or deactivated a trusted
reporter, and to what (the registry's audit trail).
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: Union[str, Sequence[str], None] = "0019"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("whatsapp", sa.String(32), nullable=True))
    op.create_table(
        "trusted_reporter_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reporter_id", sa.Integer(), sa.ForeignKey("trusted_reporters.id"),
                  nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("changed_by_label", sa.String(200), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
    )
    op.create_index("ix_trusted_reporter_changes_reporter_id", "trusted_reporter_changes",
                    ["reporter_id"])


def downgrade() -> None:
    op.drop_index("ix_trusted_reporter_changes_reporter_id", "trusted_reporter_changes")
    op.drop_table("trusted_reporter_changes")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("whatsapp")
