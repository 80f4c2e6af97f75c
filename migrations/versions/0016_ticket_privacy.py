"""ticket privacy: the call centre's corrections of an anonim ticket's mask

Revision ID: 0016
Revises: 0015

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: Union[str, Sequence[str], None] = "0015"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "ticket_privacy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("added", sa.JSON(), nullable=False),
        sa.Column("kept", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("text_for", sa.String(length=64), nullable=True),
        sa.Column("recording_for_pokja", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_ticket_privacy_ticket_id_tickets")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"],
                                name=op.f("fk_ticket_privacy_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_privacy")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_ticket_privacy_ticket_id")),
    )


def downgrade() -> None:
    op.drop_table("ticket_privacy")
