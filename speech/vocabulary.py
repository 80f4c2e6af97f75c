"""A generic complaint-hotline vocabulary, for `benchmarks/asr.py --vocab` experiments.

It is not passed by default: on the development set every way of giving Whisper a
vocabulary cost accuracy and speed (see docs/speech.md). Deployments that want one should
pass their own category and place names (`load_engine(..., vocabulary=...)`) and measure
on their own recordings first. It was written from the
complaint categories of Indonesian call centres (street lights, rubbish, floods, water,
electricity, health, schools, ID cards, illegal levies) and deliberately shares no word
with the development set's references, so the benchmark does not flatter it.
"""

from __future__ import annotations

COMPLAINT_VOCABULARY: tuple[str, ...] = (
    "pengaduan",
    "laporan",
    "lampu penerangan",
    "sampah",
    "banjir",
    "air bersih",
    "PDAM",
    "listrik padam",
    "puskesmas",
    "sekolah",
    "bansos",
    "KTP",
    "kelurahan",
    "kecamatan",
    "desa",
    "kabupaten",
    "drainase",
    "pungutan liar",
)
