"""The one text rule (``tickets.text``): what is dropped, what becomes a space, what is
refused and how the refusal reads. The generated-input properties are in tests/hostile."""

from __future__ import annotations

import pytest

from tickets.errors import InvalidInput
from tickets.text import MAX_NAME, clean_name, clean_text, one_line, printable


def test_controls_are_dropped_and_line_breaks_kept_as_newlines():
    assert printable("Jalan\x00 rusak\x1b[31m\x07 parah\r\nsejak\rkemarin") == \
        "Jalan rusak[31m parah\nsejak\nkemarin"
    assert printable("tab\tstays") == "tab\tstays"


def test_controls_that_break_lines_or_fields_become_one_space():
    assert printable("Budi\x0bSantoso") == "Budi Santoso"
    assert printable("Budi \x0c\x1c\x85 Santoso") == "Budi Santoso"


def test_c1_controls_surrogates_and_noncharacters_are_dropped():
    assert printable("a\x80\x9b\x9fb\ud800c\ufffe\uffff\ufdd0d\U0001fffe") == "abcd"


def test_ordinary_unicode_and_markup_are_untouched():
    text = "Jl. Merdeka <b>&</b> 'kutip' \"dua\" é ي 中文 😀 \u200b\u2028"
    assert printable(text) == text


def test_a_name_is_one_line_without_bidi_controls():
    assert one_line("  Budi\n\tSantoso\u202e  \u2066bin\u2069 Ahmad ") == "Budi Santoso bin Ahmad"
    assert clean_name("\u202eBudi\x00", field="reporter_name") == "Budi"


def test_free_text_keeps_its_lines_and_bidi_marks():
    assert clean_text("  Baris satu  \r\n\r\nBaris \u202bdua\u202c\n\n", field="description",
                      max_len=100) == "Baris satu\n\nBaris \u202bdua\u202c"


def test_an_over_long_value_is_refused_with_its_label_cap_and_length():
    with pytest.raises(InvalidInput) as refused:
        clean_name("x" * (MAX_NAME + 1), field="reporter_name", label="Nama pelapor")
    assert refused.value.field == "reporter_name"
    assert refused.value.message == ("Nama pelapor terlalu panjang (maksimal 200 karakter; "
                                     "yang diisi 201).")


def test_the_cap_counts_what_is_kept_not_what_was_sent():
    assert clean_name("Budi" + "\x00" * 500, field="reporter_name") == "Budi"
    assert clean_text(None, field="note", max_len=1) == ""


def test_a_value_cut_to_fit_never_ends_in_a_space():
    # Twilio's ProfileName is cut, not refused: the cut must not leave "Budi ".
    assert one_line("Budi  Santoso", 5) == "Budi"
    assert one_line("Budi\x0bSantoso", 200) == "Budi Santoso"
