from __future__ import annotations

import pytest

from speech.normalize import angka_ke_kata, digits_to_words, normalize_for_scoring, spell_numbers
from speech.scoring import char_errors, edit_distance, word_errors


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "nol"),
        (7, "tujuh"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (45, "empat puluh lima"),
        (100, "seratus"),
        (101, "seratus satu"),
        (111, "seratus sebelas"),
        (123, "seratus dua puluh tiga"),
        (999, "sembilan ratus sembilan puluh sembilan"),
        (1000, "seribu"),
        (1011, "seribu sebelas"),
        (2000, "dua ribu"),
        (11_000, "sebelas ribu"),
        (100_000, "seratus ribu"),
        (1_000_000, "satu juta"),
        (1_750_000, "satu juta tujuh ratus lima puluh ribu"),
        (2_001_000_001, "dua miliar satu juta satu"),
        (
            999_999_999_999,
            "sembilan ratus sembilan puluh sembilan miliar sembilan ratus sembilan puluh "
            "sembilan juta sembilan ratus sembilan puluh sembilan ribu sembilan ratus "
            "sembilan puluh sembilan",
        ),
    ],
)
def test_it_spells_whole_numbers_in_indonesian(n: int, words: str) -> None:
    assert angka_ke_kata(n) == words


@pytest.mark.parametrize("n", [-1, 1_000_000_000_000])
def test_it_refuses_numbers_out_of_range(n: int) -> None:
    with pytest.raises(ValueError):
        angka_ke_kata(n)


def test_it_reads_digit_strings_one_by_one() -> None:
    assert digits_to_words("0812") == "nol delapan satu dua"


@pytest.mark.parametrize(
    ("text", "spelled"),
    [
        ("tiga hari", "tiga hari"),
        ("3 hari", "tiga hari"),
        ("tahun 2024", "tahun dua ribu dua puluh empat"),
        ("Rp1.750.000", "satu juta tujuh ratus lima puluh ribu rupiah"),
        ("2,5 meter", "dua koma lima meter"),
        ("naik 10%", "naik sepuluh persen"),
        (
            "hubungi 0812 3456 789",
            "hubungi nol delapan satu dua tiga empat lima enam tujuh delapan sembilan",
        ),  # fmt: skip
        ("nomor 2,1,2,2", "nomor dua satu dua dua"),
        ("tiket 48213", "tiket empat delapan dua satu tiga"),
    ],
)
def test_it_spells_numbers_in_running_text(text: str, spelled: str) -> None:
    assert spell_numbers(text) == spelled


def test_scoring_normalisation_ignores_case_punctuation_and_number_style() -> None:
    assert normalize_for_scoring("Lampu jalan mati, sejak 3 hari!") == (
        "lampu jalan mati sejak tiga hari"
    )
    assert normalize_for_scoring("Kayu-kayu") == "kayu kayu"
    # Spoken zero has two forms; they score as the same word.
    assert normalize_for_scoring("satu kosong 8") == normalize_for_scoring("satu nol delapan")


def test_error_rates_count_edits() -> None:
    assert edit_distance("abc", "abc") == 0
    assert edit_distance("kitten", "sitting") == 3
    assert word_errors("lampu jalan mati", "lampu jalan") == (1, 3)
    assert word_errors("a b", "") == (2, 2)
    assert char_errors("ab", "ac") == (1, 2)
