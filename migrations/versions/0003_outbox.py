"""outbox messages and user e-mail

Revision ID: 0003
Revises: 0002

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

STATUSES = ("pending", "sending", "sent", "failed", "dead", "held", "cancelled")


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("idempotency_key", sa.String(length=300), nullable=False),
        sa.Column("status", sa.Enum(*STATUSES, name="outbox_status", native_enum=False,
                                    length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("provider_id", sa.String(length=64), nullable=True),
        sa.Column("provider_status", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_outbox_messages_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_messages_idempotency_key")),
    )
    op.create_index(op.f("ix_outbox_messages_ticket_id"), "outbox_messages", ["ticket_id"])
    op.create_index(op.f("ix_outbox_messages_status"), "outbox_messages", ["status"])
    op.create_index(op.f("ix_outbox_messages_provider_id"), "outbox_messages", ["provider_id"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email")
    op.drop_index(op.f("ix_outbox_messages_provider_id"), table_name="outbox_messages")
    op.drop_index(op.f("ix_outbox_messages_status"), table_name="outbox_messages")
    op.drop_index(op.f("ix_outbox_messages_ticket_id"), table_name="outbox_messages")
    op.drop_table("outbox_messages")
