"""trusted reporters' desa/kelurahan from the gazetteer

Revision ID: 0026
Revises: 0025

``trusted_reporters.desa_id`` and ``trusted_reports.desa_id``: the reporter's desa as a
row of ``places`` (the console chooses it from the gazetteer since), so the per-desa
counts no longer split over three spellings of one village. The free text each row held
is matched to the gazetteer's active desa/kelurahan: exactly after folding case, spaces
and a leading "Desa"/"Kelurahan"/"Kel."/"Ds." (a name or one of its other spellings),
else by a close spelling (rapidfuzz ratio of at least 90) to one desa only. A reporter
matched takes the desa's name as its text, and the registry's history says so; text
matching no desa, or two alike, keeps no reference and the console shows it as "perlu
dipilih ulang". A report keeps the text it was filed with. The matching is written here,
not imported, so this migration does what it did whatever the product becomes.
"""
from datetime import datetime, timezone
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from rapidfuzz import fuzz, process

revision: str = "0026"
down_revision: Union[str, Sequence[str], None] = "0025"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLES = ("trusted_reporters", "trusted_reports")
PREFIXES = ("desa ", "kelurahan ", "kel. ", "kel ", "ds. ", "ds ")
THRESHOLD = 90
MATCHED_BY = "Sistem (pencocokan daftar wilayah, migrasi 0026)"

places = sa.table("places", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                  sa.column("name", sa.String), sa.column("aliases", sa.Text),
                  sa.column("parent_id", sa.Integer), sa.column("active", sa.Boolean))
reporters = sa.table("trusted_reporters", sa.column("id", sa.Integer),
                     sa.column("desa", sa.String), sa.column("desa_id", sa.Integer))
reports = sa.table("trusted_reports", sa.column("desa", sa.String),
                   sa.column("desa_id", sa.Integer))
changes = sa.table("trusted_reporter_changes", sa.column("reporter_id", sa.Integer),
                   sa.column("at", sa.DateTime), sa.column("changed_by_id", sa.Integer),
                   sa.column("changed_by_label", sa.String), sa.column("action", sa.String),
                   sa.column("summary", sa.Text))


def _fk(table: str) -> str:
    return f"fk_{table}_desa_id_places"


def _folded(text: str) -> str:
    folded = " ".join(text.lower().split())
    for prefix in PREFIXES:
        if folded.startswith(prefix) and len(folded) > len(prefix):
            return folded[len(prefix):].strip()
    return folded


class _Gazetteer:
    def __init__(self, rows: Sequence[sa.Row]) -> None:
        self.ids: dict[str, set[int]] = {}
        self.label = {}
        kecamatan = {r.id: r.name for r in rows if r.kind == "kecamatan"}
        for r in rows:
            if r.kind != "desa":
                continue
            self.label[r.id] = (r.name, kecamatan.get(r.parent_id))
            for name in [r.name, *(r.aliases or "").splitlines()]:
                if name.strip():
                    self.ids.setdefault(_folded(name), set()).add(r.id)

    def match(self, text: str) -> int | None:
        """The one desa ``text`` names, exactly or by a close spelling; None when none
        does or two are as close."""
        key = _folded(text)
        found = self.ids.get(key)
        if not found:
            hits = process.extract(key, list(self.ids), scorer=fuzz.ratio,
                                   score_cutoff=THRESHOLD, limit=None)
            best = max((score for _, score, _ in hits), default=None)
            found = set().union(*(self.ids[name] for name, score, _ in hits
                                  if score == best))
        return next(iter(found)) if len(found) == 1 else None


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("desa_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(_fk(table), "places", ["desa_id"], ["id"])
            batch.create_index(f"ix_{table}_desa_id", ["desa_id"])
    bind = op.get_bind()
    gazetteer = _Gazetteer(bind.execute(sa.select(
        places.c.id, places.c.kind, places.c.name, places.c.aliases, places.c.parent_id)
        .where(places.c.active.is_(True))).all())
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for reporter_id, text in bind.execute(sa.select(reporters.c.id, reporters.c.desa)).all():
        desa_id = gazetteer.match(text)
        if desa_id is None:
            continue
        name, kecamatan = gazetteer.label[desa_id]
        bind.execute(reporters.update().where(reporters.c.id == reporter_id)
                     .values(desa_id=desa_id, desa=name))
        bind.execute(changes.insert().values(
            reporter_id=reporter_id, at=now, changed_by_id=None, changed_by_label=MATCHED_BY,
            action="ubah", summary=f"Desa/kelurahan “{text}” dicocokkan dengan daftar "
            f"wilayah: Desa/Kel. {name}, Kecamatan {kecamatan or '-'}."))
    for (text,) in bind.execute(sa.select(reports.c.desa).distinct()).all():
        desa_id = gazetteer.match(text)
        if desa_id is not None:
            bind.execute(reports.update().where(reports.c.desa == text)
                         .values(desa_id=desa_id))


def downgrade() -> None:
    op.execute(changes.delete().where(changes.c.changed_by_label == MATCHED_BY))
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_desa_id")
            batch.drop_constraint(_fk(table), type_="foreignkey")
            batch.drop_column("desa_id")
