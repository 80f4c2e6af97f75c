"""complaints found on social media, in letters and at the desk: the ticket's source

Revision ID: 0018
Revises: 0017

One optional row per ticket (``ticket_sources``, tickets.sources): the kind of source,
the post's link, its author, the date of the post, the stored screenshot or letter scan
and the "balas manual" marker. A ticket without a row came to us directly, so existing
tickets need no backfill.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: Union[str, Sequence[str], None] = "0017"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SOURCE_KIND = sa.Enum("facebook", "instagram", "x", "tiktok", "wa_group", "news", "letter",
                      "walk_in", name="source_kind", native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "ticket_sources",
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), primary_key=True),
        sa.Column("kind", SOURCE_KIND, nullable=False),
        sa.Column("link", sa.String(500)),
        sa.Column("author", sa.String(200)),
        sa.Column("posted_on", sa.Date()),
        sa.Column("file_path", sa.String(500)),
        sa.Column("file_type", sa.String(64)),
        sa.Column("file_size", sa.Integer()),
        sa.Column("file_sha256", sa.String(64)),
        sa.Column("manual_reply_at", sa.DateTime()),
        sa.Column("manual_reply_by_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_ticket_sources_kind", "ticket_sources", ["kind"])


def downgrade() -> None:
    op.drop_index("ix_ticket_sources_kind", table_name="ticket_sources")
    op.drop_table("ticket_sources")
