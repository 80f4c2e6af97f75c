"""The difference between what an agent typed and what another saved meanwhile."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from desk.conflicts import differences

FIELDS = {"description": ("Uraian pengaduan", "Jalan rusak di depan sekolah.")}


def test_the_words_each_side_has_alone_are_marked():
    [d] = differences(FIELDS, {"description": "Jalan rusak parah di depan pasar."})
    assert d.label == "Uraian pengaduan" and d.typed == "Jalan rusak parah di depan pasar."
    assert ("added", "parah") in d.pieces
    assert ("removed", "sekolah.") in d.pieces and ("added", "pasar.") in d.pieces


def test_a_field_typed_as_stored_or_not_sent_shows_no_difference():
    assert differences(FIELDS, {"description": " Jalan rusak  di depan sekolah. "}) == []
    assert differences(FIELDS, {"note": "x"}) == []


words = st.lists(st.sampled_from(["jalan", "rusak", "lampu", "mati", "di", "desa"]),
                 max_size=12)


@given(words, words)
def test_either_side_is_rebuilt_from_the_pieces(stored, typed):
    found = differences({"f": ("F", " ".join(stored))}, {"f": " ".join(typed)})
    if stored == typed:
        assert found == []
        return
    [d] = found
    mine = " ".join(t for k, t in d.pieces if k != "removed").split()
    theirs = " ".join(t for k, t in d.pieces if k != "added").split()
    assert mine == typed and theirs == stored
