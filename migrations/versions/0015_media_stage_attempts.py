"""one media pipeline: attempts counted per stage for recordings and attachments, and
the attachment's transcript status as the transcription enum

Revision ID: 0015
Revises: 0014

``attachments.attempts`` counted download failures and transcription claims together
(a voice note whose download failed three times was never transcribed). It becomes
``download_attempts`` beside a new ``transcribe_attempts``, as on ``recordings``, whose
``attempts`` is renamed ``download_attempts`` so both tables say the same.

The old count cannot be split after the fact, so it stays with the download: a voice
note still waiting for its transcript starts with all its transcription attempts (what
the old count took from it). One that was transcribed moves one attempt from the old
count to its transcription (it was claimed at least once); the others (failed, manual,
photos) keep none. Downgrading adds the two counts again, so a round trip changes
nothing.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: Union[str, Sequence[str], None] = "0014"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TRANSCRIPTION_STATUS = sa.Enum("none", "pending", "done", "failed", "manual",
                               name="transcription_status", native_enum=False, length=32)


def upgrade() -> None:
    with op.batch_alter_table("recordings") as batch:
        batch.alter_column("attempts", new_column_name="download_attempts",
                           existing_type=sa.Integer(), existing_nullable=False)
    with op.batch_alter_table("attachments") as batch:
        batch.alter_column("attempts", new_column_name="download_attempts",
                           existing_type=sa.Integer(), existing_nullable=False)
        batch.add_column(sa.Column("transcribe_attempts", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.alter_column("transcript_status", type_=TRANSCRIPTION_STATUS,
                           existing_type=sa.String(length=16), existing_nullable=False)
    attachments = sa.table("attachments", sa.column("transcript_status", sa.String),
                           sa.column("download_attempts", sa.Integer),
                           sa.column("transcribe_attempts", sa.Integer))
    op.execute(attachments.update().where(attachments.c.transcript_status == "done",
                                          attachments.c.download_attempts > 0)
               .values(download_attempts=attachments.c.download_attempts - 1,
                       transcribe_attempts=1))


def downgrade() -> None:
    attachments = sa.table("attachments", sa.column("download_attempts", sa.Integer),
                           sa.column("transcribe_attempts", sa.Integer))
    op.execute(attachments.update().values(
        download_attempts=attachments.c.download_attempts + attachments.c.transcribe_attempts))
    with op.batch_alter_table("attachments") as batch:
        batch.alter_column("transcript_status", type_=sa.String(length=16),
                           existing_type=TRANSCRIPTION_STATUS, existing_nullable=False)
        batch.drop_column("transcribe_attempts")
        batch.alter_column("download_attempts", new_column_name="attempts",
                           existing_type=sa.Integer(), existing_nullable=False)
    with op.batch_alter_table("recordings") as batch:
        batch.alter_column("download_attempts", new_column_name="attempts",
                           existing_type=sa.Integer(), existing_nullable=False)
