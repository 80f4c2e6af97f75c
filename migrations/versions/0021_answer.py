"""canned replies, the desk's messages to a reporter, files attached to an answer

Revision ID: 0021
Revises: 0020

``canned_replies``: balasan cepat per pokja and category (NULL: for all) with
placeholders checked on save; ``reporter_messages``: free text an operator sent to a
ticket's reporter (the outbox row carries it); ``answer_files``: a pokja's repair photo
or letter attached to its answer, public once the ticket is published.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: Union[str, Sequence[str], None] = "0020"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("pokja_id", sa.Integer(), sa.ForeignKey("pokja.id")),
        sa.Column("category_id", sa.Integer(), sa.ForeignKey("categories.id")),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("users.id")),
    )
    op.create_index("ix_canned_replies_pokja_id", "canned_replies", ["pokja_id"])
    op.create_index("ix_canned_replies_category_id", "canned_replies", ["category_id"])
    op.create_table(
        "reporter_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("author_label", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_reporter_messages_ticket_id", "reporter_messages", ["ticket_id"])
    op.create_table(
        "answer_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("path", sa.String(300), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_answer_files_ticket_id", "answer_files", ["ticket_id"])


def downgrade() -> None:
    op.drop_table("answer_files")
    op.drop_table("reporter_messages")
    op.drop_table("canned_replies")
