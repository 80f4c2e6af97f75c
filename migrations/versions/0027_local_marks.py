"""the dashboard's change marks name local days

Revision ID: 0027
Revises: 0026

``dashboard_dirty.day`` named the UTC date a changed ticket was received on, and a page
view summed both local days that UTC date touches (in UTC+7, a UTC date runs from 07:00 to
07:00 the next morning): every change cost two days of tickets summed live until the
hourly refresh. Marks now name the local day itself (``reporting.rollup.mark_dirty``).
The marks waiting at the upgrade are UTC dates: each becomes the days either side of it
as well, which covers every zone (the next refresh rebuilds a day more than needed, once).
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0027"
down_revision: Union[str, Sequence[str], None] = "0026"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _widen() -> None:
    """Every mark's day either side as well: covers a UTC date's local days in any zone
    (upgrade), and a local day's UTC dates (downgrade)."""
    if op.get_bind().dialect.name == "postgresql":
        shifted = "day + {n}"
    else:
        shifted = "date(day, '{n} day')"
    op.execute("INSERT INTO dashboard_dirty (day) "
               + " UNION ".join(f"SELECT DISTINCT {shifted.format(n=n)} FROM dashboard_dirty"
                                for n in ("-1", "+1")))


def upgrade() -> None:
    _widen()


def downgrade() -> None:
    _widen()
