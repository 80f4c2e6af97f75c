"""The demo's early-warning groups and gazetteer (``hotline seed-demo``, ``make run``)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from analytics.gazetteer import DEMO_PLACES

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The data below is read without a database by the command line (``hotline listen``), so
# this module imports the tables only inside the seeding functions.
__all__ = ["DEMO_GROUPS", "DEMO_PLACES", "seed"]

# (name, words, severity (analytics.models.Severity's value), pokja code, extra contacts,
# channels)
DEMO_GROUPS: tuple[tuple[str, list[str], str, str | None, list[str], str], ...] = (
    ("bencana", ["banjir", "longsor", "kebakaran", "terbakar", "gempa",
                 "angin puting beliung", "puting beliung", "air bah", "sungai meluap"],
     "critical", None,
     ["bpbd@pemkab.example.id", "+6281200000112"], "email,whatsapp,sms"),
    ("konflik", ["bentrok", "tawuran", "perkelahian antarwarga", "perkelahian", "berkelahi",
                 "perang antarkampung", "perang antardesa", "konflik antarwarga",
                 "konflik antardesa", "ancam", "pembakaran rumah", "rumah dibakar",
                 "kerusuhan", "keributan antar", "menyerang kampung"],
     "critical", None,
     ["kesbangpol@pemkab.example.id", "+6281200000113"], "email,whatsapp,sms"),
    ("kesehatan darurat", ["keracunan", "wabah", "diare massal", "demam berdarah", "dbd",
                           "penyakit menular"],
     "high", "DINKES", [], "email,whatsapp"),
    ("bahaya infrastruktur", ["jembatan putus", "jembatan ambruk", "jembatan hanyut",
                              "kabel listrik putus", "kabel putus", "tiang listrik roboh",
                              "jalan amblas", "amblas", "ambles", "ambruk"],
     "high", "PUPR", [], "email,whatsapp"),
)


# The event kinds each demo group answers for: a critical alarm of one pages its contacts.
DEMO_KINDS = {
    "bencana": "kebakaran,banjir,longsor,kecelakaan_air,orang_hilang,bahaya_lain",
    "konflik": "konflik_kekerasan,ancaman_kerusuhan",
    "kesehatan darurat": "keracunan_wabah",
    "bahaya infrastruktur": "bangunan_runtuh",
}


def seed_groups(session: Session) -> None:
    from sqlalchemy import select

    from analytics.models import KeywordGroup, Severity
    from tickets.models import Pokja

    if session.scalar(select(KeywordGroup.id).limit(1)) is not None:
        return
    for name, words, severity, code, contacts, channels in DEMO_GROUPS:
        pokja = session.scalar(select(Pokja).where(Pokja.code == code)) if code else None
        session.add(KeywordGroup(name=name, words="\n".join(words),
                                 severity=Severity(severity),
                                 notify_supervisors=True, pokja=pokja,
                                 extra_contacts="\n".join(contacts), channels=channels,
                                 active=True, mode="fitur", kinds=DEMO_KINDS.get(name, "")))
    session.flush()


def seed_places(session: Session, path: Path = DEMO_PLACES) -> int:
    """Load the shipped gazetteer in two inserts (the tests seed the demo often); the
    console and ``hotline places import`` go through the checked path instead."""
    from sqlalchemy import select

    from analytics.models import Place, PlaceKind
    from analytics.places import CSV_HEADER, split_name

    if session.scalar(select(Place.id).limit(1)) is not None:
        return 0
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, fieldnames=CSV_HEADER))[1:]
    kecamatan: dict[str, Place] = {}
    for row in rows:
        name, aliases = split_name(row["kecamatan"], "file")
        if name not in kecamatan:
            kecamatan[name] = Place(kind=PlaceKind.KECAMATAN, name=name,
                                    aliases="\n".join(aliases), active=True)
    session.add_all(kecamatan.values())
    session.flush()
    for row in rows:
        name, aliases = split_name(row["desa"], "file")
        session.add(Place(kind=PlaceKind.DESA, name=name, aliases="\n".join(aliases),
                          parent=kecamatan[split_name(row["kecamatan"], "file")[0]],
                          postal_code=row["kode_pos"] or None, active=True))
    session.flush()
    return len(kecamatan) + len(rows)


def seed(session: Session) -> None:
    seed_groups(session)
    seed_places(session)
