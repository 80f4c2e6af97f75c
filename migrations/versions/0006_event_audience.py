"""the pokja a history entry is shared with (internal notes stay with the call centre)

Revision ID: 0006
Revises: 0005

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

FK = "fk_ticket_events_shared_with_pokja_id_pokja"


def upgrade() -> None:
    with op.batch_alter_table("ticket_events") as batch:
        batch.add_column(sa.Column("shared_with_pokja_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(FK, "pokja", ["shared_with_pokja_id"], ["id"])
    # Existing history: what a pokja user wrote stays readable by their pokja, and a
    # forwarding note by the pokja the ticket is with now. Every other note becomes the
    # call centre's own (until now a pokja read every note).
    op.execute(
        "UPDATE ticket_events SET shared_with_pokja_id = (SELECT users.pokja_id FROM users"
        " WHERE users.id = ticket_events.actor_id AND users.role = 'pokja')"
        " WHERE actor_id IS NOT NULL")
    op.execute(
        "UPDATE ticket_events SET shared_with_pokja_id = (SELECT tickets.pokja_id FROM tickets"
        " WHERE tickets.id = ticket_events.ticket_id)"
        " WHERE kind = 'transition' AND to_status = 'forwarded'"
        " AND shared_with_pokja_id IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("ticket_events") as batch:
        batch.drop_constraint(FK, type_="foreignkey")
        batch.drop_column("shared_with_pokja_id")
