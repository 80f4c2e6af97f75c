"""Masking phone numbers in text bound for the logs."""

from __future__ import annotations

import pytest

from tickets.contacts import mask_phones


@pytest.mark.parametrize(("text", "masked"), [
    ("The 'To' number +6281234567890 is not a valid phone number.",
     "The 'To' number +62812****7890 is not a valid phone number."),
    ("whatsapp:+6281199990000", "whatsapp:+62811****0000"),
    ("GET /Messages.json?To=%2B6281234567890&From=%2B62215550100",
     "GET /Messages.json?To=%2B62812****7890&From=%2B622****0100"),
    ("nomor 081234567890 atau 6281234567890", "nomor 0812****7890 atau 62812****7890"),
    ("+12345678", "+****5678"),
    # Not phone numbers: error codes, ids, SIDs, years.
    ("outbox 12 kode 21211 pada 2026", "outbox 12 kode 21211 pada 2026"),
    ("AC00000000000000000000000000000000", "AC00000000000000000000000000000000"),
])
def test_phone_numbers_in_a_text_are_masked(text, masked):
    assert mask_phones(text) == masked
