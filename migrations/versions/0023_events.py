"""early warning on events: the model's alarms, retrained models, group override modes

Revision ID: 0023
Revises: 0022

Per keyword group, ``mode`` (``fitur``: the model decides, ``selalu``: a match always
alarms, ``tidak``: a match never alarms) and ``kinds`` (the event kinds whose critical
alarms reach the group's contacts). ``event_alerts``: one model alarm per ticket with its
kind, severities, confidence, cues, the judged text and the desk's verdict.
``event_models``: retrained models with their held-out figures, one of them active.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: Union[str, Sequence[str], None] = "0022"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SEVERITY = sa.Enum("low", "medium", "high", "critical", name="severity",
                   native_enum=False, length=32)

# The demo groups (analytics/demo.py) answer for these kinds.
DEMO_KINDS = {
    "bencana": "kebakaran,banjir,longsor,kecelakaan_air,orang_hilang,bahaya_lain",
    "konflik": "konflik_kekerasan,ancaman_kerusuhan",
    "kesehatan darurat": "keracunan_wabah",
    "bahaya infrastruktur": "bangunan_runtuh",
}


def upgrade() -> None:
    with op.batch_alter_table("keyword_groups") as batch:
        batch.add_column(sa.Column("mode", sa.String(8), nullable=False,
                                   server_default="fitur"))
        batch.add_column(sa.Column("kinds", sa.String(300), nullable=False,
                                   server_default=""))
    groups = sa.table("keyword_groups", sa.column("name", sa.String),
                      sa.column("kinds", sa.String))
    for name, kinds in DEMO_KINDS.items():
        op.execute(groups.update().where(groups.c.name == name).values(kinds=kinds))
    op.create_table(
        "event_alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False,
                  unique=True),
        sa.Column("alarm", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("model_severity", sa.String(16)),
        sa.Column("severity", SEVERITY, nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("cues", sa.JSON(), nullable=False),
        sa.Column("model_version", sa.String(40), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("cluster", sa.Integer(), nullable=False),
        sa.Column("trusted", sa.Boolean(), nullable=False),
        sa.Column("forced_by", sa.String(100)),
        sa.Column("kecamatan_id", sa.Integer(), sa.ForeignKey("places.id")),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("verdict", sa.String(16)),
        sa.Column("verdict_by_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("verdict_at", sa.DateTime()),
    )
    op.create_index("ix_event_alerts_kecamatan_id", "event_alerts", ["kecamatan_id"])
    op.create_index("ix_event_alerts_created_at", "event_alerts", ["created_at"])
    op.create_index("ix_event_alerts_verdict_at", "event_alerts", ["verdict_at"])
    op.create_table(
        "event_models",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.String(40), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("desk_samples", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("blob", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("activated_at", sa.DateTime()),
    )


def downgrade() -> None:
    op.drop_table("event_models")
    op.drop_table("event_alerts")
    with op.batch_alter_table("keyword_groups") as batch:
        batch.drop_column("kinds")
        batch.drop_column("mode")
