"""the unfiltered dashboard's working-time bins per day

Revision ID: 0030
Revises: 0029

``dashboard_span_days``: each day's working-time spans binned per tenth of an hour
(reporting.medians), so the unfiltered dashboard's medians over days outside whole months
(a "30 days" range) read the days' bins instead of unnesting every ticket's span. Filled
here from the stored daily rows, which the bins must match (the changes captured since
the last refresh correct both alike).
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: Union[str, Sequence[str], None] = "0029"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


# reporting.medians.day_bins_sql as of this revision, over every day.
_MEASURES = ("verify", "forward", "answer")
BINS = {
    "postgresql": """
INSERT INTO dashboard_span_days (day, measure, bin, n, lo, hi)
SELECT t.day, m.measure, (m.v + 180) / 360, count(*), min(m.v), max(m.v)
FROM dashboard_days t
CROSS JOIN LATERAL (SELECT 'verify', unnest(t.verify_spans) UNION ALL
    SELECT 'forward', unnest(t.forward_spans) UNION ALL
    SELECT 'answer', unnest(t.answer_spans)) m(measure, v)
GROUP BY t.day, m.measure, (m.v + 180) / 360""",
    "sqlite": """
INSERT INTO dashboard_span_days (day, measure, bin, n, lo, hi)
SELECT day, measure, (v + 180) / 360, count(*), min(v), max(v) FROM ("""
    + " UNION ALL ".join(f"SELECT t.day AS day, '{m}' AS measure, j.value AS v "
                         f"FROM dashboard_days t, json_each(t.{m}_spans) j"
                         for m in _MEASURES)
    + ") GROUP BY day, measure, (v + 180) / 360",
}


def upgrade() -> None:
    op.create_table(
        "dashboard_span_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("measure", sa.String(8), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in ("bin", "n", "lo", "hi")],
        sa.PrimaryKeyConstraint("id", name="pk_dashboard_span_days"),
    )
    op.create_index("ix_dashboard_span_days_day", "dashboard_span_days", ["day"])
    op.execute(BINS[op.get_bind().dialect.name])


def downgrade() -> None:
    op.drop_table("dashboard_span_days")
