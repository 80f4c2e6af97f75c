"""early warning keyword groups and their matches, the places gazetteer and ticket
locations, duplicate candidates and repeat callers (issue 13)

Revision ID: 0013
Revises: 0012

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: Union[str, Sequence[str], None] = "0012"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "keyword_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("severity", sa.Enum("low", "medium", "high", "critical", name="severity",
                                      native_enum=False, length=32), nullable=False),
        sa.Column("notify_supervisors", sa.Boolean(), nullable=False),
        sa.Column("pokja_id", sa.Integer(), nullable=True),
        sa.Column("extra_contacts", sa.Text(), nullable=False),
        sa.Column("channels", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["pokja_id"], ["pokja.id"],
                                name=op.f("fk_keyword_groups_pokja_id_pokja")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_keyword_groups")),
        sa.UniqueConstraint("name", name=op.f("uq_keyword_groups_name")),
    )
    op.create_table(
        "keyword_group_users",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["keyword_groups.id"], ondelete="CASCADE",
                                name=op.f("fk_keyword_group_users_group_id_keyword_groups")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_keyword_group_users_user_id_users")),
        sa.PrimaryKeyConstraint("group_id", "user_id", name=op.f("pk_keyword_group_users")),
    )
    op.create_table(
        "ticket_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("matched", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["keyword_groups.id"], ondelete="CASCADE",
                                name=op.f("fk_ticket_alerts_group_id_keyword_groups")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_ticket_alerts_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_alerts")),
        sa.UniqueConstraint("ticket_id", "group_id",
                            name=op.f("uq_ticket_alerts_ticket_id")),
    )
    op.create_index(op.f("ix_ticket_alerts_ticket_id"), "ticket_alerts", ["ticket_id"])
    op.create_index(op.f("ix_ticket_alerts_group_id"), "ticket_alerts", ["group_id"])
    op.create_table(
        "places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("kecamatan", "desa", name="place_kind", native_enum=False,
                                  length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("postal_code", sa.String(length=10), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["places.id"],
                                name=op.f("fk_places_parent_id_places")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_places")),
        sa.UniqueConstraint("kind", "parent_id", "name",
                            name=op.f("uq_places_kind")),
    )
    op.create_index(op.f("ix_places_parent_id"), "places", ["parent_id"])
    op.create_table(
        "ticket_places",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kecamatan_id", sa.Integer(), nullable=True),
        sa.Column("desa_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("heard", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["desa_id"], ["places.id"],
                                name=op.f("fk_ticket_places_desa_id_places")),
        sa.ForeignKeyConstraint(["kecamatan_id"], ["places.id"],
                                name=op.f("fk_ticket_places_kecamatan_id_places")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_ticket_places_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_ticket_places")),
    )
    op.create_index(op.f("ix_ticket_places_kecamatan_id"), "ticket_places", ["kecamatan_id"])
    op.create_table(
        "duplicate_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["tickets.id"],
                                name=op.f("fk_duplicate_candidates_candidate_id_tickets")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_duplicate_candidates_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_candidates")),
        sa.UniqueConstraint("ticket_id", "candidate_id",
                            name=op.f("uq_duplicate_candidates_ticket_id")),
    )
    op.create_index(op.f("ix_duplicate_candidates_ticket_id"), "duplicate_candidates",
                    ["ticket_id"])
    op.create_table(
        "repeat_callers",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("earlier", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_repeat_callers_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_repeat_callers")),
    )


def downgrade() -> None:
    op.drop_table("repeat_callers")
    op.drop_index(op.f("ix_duplicate_candidates_ticket_id"), table_name="duplicate_candidates")
    op.drop_table("duplicate_candidates")
    op.drop_index(op.f("ix_ticket_places_kecamatan_id"), table_name="ticket_places")
    op.drop_table("ticket_places")
    op.drop_index(op.f("ix_places_parent_id"), table_name="places")
    op.drop_table("places")
    op.drop_index(op.f("ix_ticket_alerts_group_id"), table_name="ticket_alerts")
    op.drop_index(op.f("ix_ticket_alerts_ticket_id"), table_name="ticket_alerts")
    op.drop_table("ticket_alerts")
    op.drop_table("keyword_group_users")
    op.drop_table("keyword_groups")
