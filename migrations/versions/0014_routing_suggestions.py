"""routing suggestion: trained models and one suggestion per ticket

Revision ID: 0014
Revises: 0013

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: Union[str, Sequence[str], None] = "0013"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "suggest_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("verified_samples", sa.Integer(), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggest_models")),
        sa.UniqueConstraint("version", name=op.f("uq_suggest_models_version")),
    )
    op.create_table(
        "ticket_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("pokja_id", sa.Integer(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("alternatives", sa.JSON(), nullable=False),
        sa.Column("model_version", sa.String(length=40), nullable=False),
        sa.Column("text_sha", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("final_category_id", sa.Integer(), nullable=True),
        sa.Column("final_pokja_id", sa.Integer(), nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_ticket_suggestions_ticket_id_tickets")),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"],
                                name=op.f("fk_ticket_suggestions_category_id_categories")),
        sa.ForeignKeyConstraint(["pokja_id"], ["pokja.id"],
                                name=op.f("fk_ticket_suggestions_pokja_id_pokja")),
        sa.ForeignKeyConstraint(["final_category_id"], ["categories.id"],
                                name=op.f("fk_ticket_suggestions_final_category_id_categories")),
        sa.ForeignKeyConstraint(["final_pokja_id"], ["pokja.id"],
                                name=op.f("fk_ticket_suggestions_final_pokja_id_pokja")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_suggestions")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_ticket_suggestions_ticket_id")),
    )
    op.create_index(op.f("ix_ticket_suggestions_decided_at"), "ticket_suggestions",
                    ["decided_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_ticket_suggestions_decided_at"), table_name="ticket_suggestions")
    op.drop_table("ticket_suggestions")
    op.drop_table("suggest_models")
