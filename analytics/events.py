"""Replaced by the event model.

Early warning on one text: whether it reports something happening now that endangers
people or property (:class:`Assessment`). This version decides on the demo keyword groups
(``analytics.demo.DEMO_GROUPS``, matched by :mod:`analytics.matching` as the alerts are),
so ``hotline listen`` works and is tested with the interface the event model keeps:
``assess(text)`` is pure, reads no database, and builds what it needs once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from analytics import matching
from analytics.demo import DEMO_GROUPS
from analytics.text import tokens

KINDS = ("kebakaran", "banjir", "longsor", "bangunan_runtuh", "kecelakaan_air",
         "orang_hilang", "keracunan_wabah", "konflik_kekerasan", "ancaman_kerusuhan",
         "bahaya_lain")
# The kind a matched word names (the demo groups are broader than the kinds).
_KIND_OF_WORD = {
    "banjir": "banjir", "air bah": "banjir", "sungai meluap": "banjir",
    "longsor": "longsor", "kebakaran": "kebakaran", "terbakar": "kebakaran",
    "ancam": "ancaman_kerusuhan", "kerusuhan": "ancaman_kerusuhan",
    "keributan antar": "ancaman_kerusuhan",
    "kabel listrik putus": "bahaya_lain", "kabel putus": "bahaya_lain",
    "tiang listrik roboh": "bahaya_lain", "gempa": "bahaya_lain",
    "angin puting beliung": "bahaya_lain", "puting beliung": "bahaya_lain",
}
_KIND_OF_GROUP = {"bencana": "bahaya_lain", "konflik": "konflik_kekerasan",
                  "kesehatan darurat": "keracunan_wabah",
                  "bahaya infrastruktur": "bangunan_runtuh"}
_SEVERITY = {"critical": "critical", "high": "high"}  # lower ones are "normal"


@dataclass(frozen=True)
class Assessment:
    alarm: bool
    kind: str | None  # one of KINDS, None when no alarm
    severity: str | None  # "critical" | "high" | "normal" | None when no alarm
    confidence: float  # 0..1
    cues: list[str]


@cache
def _groups() -> tuple[tuple[str, str, tuple[matching.Phrase, ...]], ...]:
    return tuple((name, severity, tuple(matching.phrases(words)))
                 for name, words, severity, *_ in DEMO_GROUPS)


def assess(text: str) -> Assessment:
    toks = tokens(text)
    best: tuple[int, str, str, list[str]] | None = None
    for name, severity, phrases in _groups():
        hits = matching.find(toks, phrases)
        if not hits:
            continue
        heard = list(dict.fromkeys(h.heard for h in hits))
        order = 0 if severity == "critical" else 1
        if best is None or order < best[0]:  # the first critical group, else the first
            kind = _KIND_OF_WORD.get(hits[0].phrase, _KIND_OF_GROUP.get(name, "bahaya_lain"))
            best = (order, kind, _SEVERITY.get(severity, "normal"), heard)
    if best is None:
        return Assessment(False, None, None, 0.0, [])
    _, kind, severity, heard = best
    return Assessment(True, kind, severity, 0.9, heard)
