"""The agency's display name: one rule (tickets.reference.agency_name), one fallback."""

from __future__ import annotations

from tickets.reference import (
    AGENCY_FALLBACK,
    agency_name,
    hotline_settings,
    set_hotline_setting,
)


def test_the_name_set_in_the_console_wins_over_the_environments(db):
    defaults = {"agency_name": "Pemerintah Kabupaten Contoh"}
    assert agency_name(hotline_settings(db, defaults)) == "Pemerintah Kabupaten Contoh"
    set_hotline_setting(db, "agency_name", "Pemerintah Kabupaten Mamuju")
    db.flush()
    assert agency_name(hotline_settings(db, defaults)) == "Pemerintah Kabupaten Mamuju"


def test_a_missing_or_blank_name_reads_as_the_one_fallback():
    assert agency_name({}) == agency_name({"agency_name": "  "}) == AGENCY_FALLBACK
    assert AGENCY_FALLBACK == "Layanan Pengaduan Masyarakat"
