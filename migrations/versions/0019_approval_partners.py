"""agency head approval (pimpinan OPD) and partner institutions (lembaga mitra)

Revision ID: 0019
Revises: 0018

Per pokja, ``approval_required`` (answers wait for the head) with the history of its
changes; the drafts awaiting approval; the partner list, which pokja may use each
partner, its history, and the questions sent to partners by signed link (the token's
sha256 only). The head's role is a new value of ``users.role``, a plain string column.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: Union[str, Sequence[str], None] = "0018"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DRAFT_STATE = sa.Enum("pending", "approved", "returned", name="draft_state",
                      native_enum=False, length=32)


def upgrade() -> None:
    with op.batch_alter_table("pokja") as batch:
        batch.add_column(sa.Column("approval_required", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        "approval_setting_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("pokja_id", sa.Integer(), sa.ForeignKey("pokja.id"), nullable=False),
        sa.Column("approval_required", sa.Boolean(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("changed_by_label", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_approval_setting_changes_pokja_id", "approval_setting_changes",
                    ["pokja_id"])
    op.create_table(
        "answer_drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("pokja_id", sa.Integer(), sa.ForeignKey("pokja.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", DRAFT_STATE, nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("decided_at", sa.DateTime()),
        sa.Column("decision_note", sa.Text()),
        sa.Column("approved_text", sa.Text()),
    )
    op.create_index("ix_answer_drafts_ticket_id", "answer_drafts", ["ticket_id"])
    op.create_index("ix_answer_drafts_queue", "answer_drafts",
                    ["pokja_id", "state", "submitted_at"])
    op.create_table(
        "partners",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("email", sa.String(200)),
        sa.Column("whatsapp", sa.String(32)),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "partner_pokja",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("partner_id", sa.Integer(), sa.ForeignKey("partners.id"), nullable=False),
        sa.Column("pokja_id", sa.Integer(), sa.ForeignKey("pokja.id"), nullable=False),
        sa.UniqueConstraint("partner_id", "pokja_id"),
    )
    op.create_index("ix_partner_pokja_partner_id", "partner_pokja", ["partner_id"])
    op.create_index("ix_partner_pokja_pokja_id", "partner_pokja", ["pokja_id"])
    op.create_table(
        "partner_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("partner_id", sa.Integer(), sa.ForeignKey("partners.id"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("changed_by_label", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
    )
    op.create_index("ix_partner_changes_partner_id", "partner_changes", ["partner_id"])
    op.create_table(
        "partner_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("partner_id", sa.Integer(), sa.ForeignKey("partners.id"), nullable=False),
        sa.Column("pokja_id", sa.Integer(), sa.ForeignKey("pokja.id"), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("share_description", sa.Boolean(), nullable=False),
        sa.Column("share_location", sa.Boolean(), nullable=False),
        sa.Column("share_reporter", sa.Boolean(), nullable=False),
        sa.Column("share_recording", sa.Boolean(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("reminded_at", sa.DateTime()),
        sa.Column("revoked_at", sa.DateTime()),
        sa.Column("revoked_by_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("answered_at", sa.DateTime()),
        sa.Column("answer", sa.Text()),
        sa.Column("answered_by", sa.String(200)),
        sa.Column("file_path", sa.String(300)),
        sa.Column("file_name", sa.String(200)),
        sa.Column("file_type", sa.String(64)),
        sa.Column("file_size", sa.Integer()),
        sa.Column("adopted_at", sa.DateTime()),
    )
    op.create_index("ix_partner_requests_ticket_id", "partner_requests", ["ticket_id"])
    op.create_index("ix_partner_requests_partner_id", "partner_requests", ["partner_id"])
    op.create_index("ix_partner_requests_due_at", "partner_requests", ["due_at"])


def downgrade() -> None:
    op.drop_table("partner_requests")
    op.drop_table("partner_changes")
    op.drop_table("partner_pokja")
    op.drop_table("partners")
    op.drop_table("answer_drafts")
    op.drop_table("approval_setting_changes")
    with op.batch_alter_table("pokja") as batch:
        batch.drop_column("approval_required")
