"""the reporter's feedback on an answer: ratings and reopenings (status "reopened")

Revision ID: 0010
Revises: 0009

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: Union[str, Sequence[str], None] = "0009"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

CHANNEL = sa.Enum("phone", "sms", "whatsapp", name="feedback_channel", native_enum=False,
                  length=32)
TRANSCRIPTION = sa.Enum("none", "pending", "done", "failed", "manual",
                        name="transcription_status", native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "ticket_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("pokja_id", sa.Integer(), nullable=True),
        sa.Column("channel", CHANNEL, nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rated_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="ck_ticket_ratings_rating_range"),
        sa.ForeignKeyConstraint(["pokja_id"], ["pokja.id"],
                                name="fk_ticket_ratings_pokja_id_pokja"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name="fk_ticket_ratings_ticket_id_tickets"),
        sa.PrimaryKeyConstraint("id", name="pk_ticket_ratings"),
        sa.UniqueConstraint("ticket_id", name="uq_ticket_ratings_ticket_id"),
    )
    op.create_index("ix_ticket_ratings_pokja_id", "ticket_ratings", ["pokja_id"])
    op.create_index("ix_ticket_ratings_rated_at", "ticket_ratings", ["rated_at"])
    op.create_table(
        "ticket_reopenings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("pokja_id", sa.Integer(), nullable=True),
        sa.Column("channel", CHANNEL, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=True),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recording_id", sa.Integer(), nullable=True),
        sa.Column("transcription_status", TRANSCRIPTION, nullable=False),
        sa.Column("transcription_error", sa.Text(), nullable=True),
        sa.Column("transcript_text", sa.Text(), nullable=True),
        sa.Column("transcript_words", sa.JSON(), nullable=True),
        sa.Column("transcript_confidence", sa.Float(), nullable=True),
        sa.Column("transcript_engine", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["ticket_events.id"],
                                name="fk_ticket_reopenings_event_id_ticket_events"),
        sa.ForeignKeyConstraint(["pokja_id"], ["pokja.id"],
                                name="fk_ticket_reopenings_pokja_id_pokja"),
        sa.ForeignKeyConstraint(["recording_id"], ["recordings.id"],
                                name="fk_ticket_reopenings_recording_id_recordings"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name="fk_ticket_reopenings_ticket_id_tickets"),
        sa.PrimaryKeyConstraint("id", name="pk_ticket_reopenings"),
        sa.UniqueConstraint("recording_id", name="uq_ticket_reopenings_recording_id"),
        sa.UniqueConstraint("ticket_id", "seq", name="uq_ticket_reopenings_ticket_seq"),
        sa.UniqueConstraint("ticket_id", "call_sid", name="uq_ticket_reopenings_ticket_call"),
    )
    op.create_index("ix_ticket_reopenings_ticket_id", "ticket_reopenings", ["ticket_id"])
    op.create_index("ix_ticket_reopenings_pokja_id", "ticket_reopenings", ["pokja_id"])
    op.create_index("ix_ticket_reopenings_at", "ticket_reopenings", ["at"])


def downgrade() -> None:
    op.drop_table("ticket_reopenings")
    op.drop_table("ticket_ratings")
