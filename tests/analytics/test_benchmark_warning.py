"""The early-warning section of the analytics benchmark runs (figures: make bench-analytics)."""

from __future__ import annotations

from benchmarks import warning
from benchmarks.text_analytics import LABELLED, load


def test_misspell_is_deterministic_and_one_letter_per_key_word() -> None:
    groups = warning.demo_groups()
    text = "Banjir besar dan longsor di desa kami, jalan amblas"
    once, again = warning.misspell(text, groups), warning.misspell(text, groups)
    assert once == again != text
    before, after = text.lower().split(), once.lower().split()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert {a.strip(",") for a, _ in changed} == {"banjir", "longsor", "jalan", "amblas"}
    # "besar", "desa": not key words ("di", "dan" too short to forgive): left as written.
    assert all(abs(len(a) - len(b)) <= 1 for a, b in changed)
    assert warning.misspell("tidak ada apa apa", groups) == "tidak ada apa apa"


def test_scores_on_a_few_rows() -> None:
    rows = [r for r in load(LABELLED) if r["alert_group"]][:4] + [
        {"text": "lampu jalan mati", "category": "x", "alert_group": ""},
        {"text": "ada banjir bandang", "category": "x", "alert_group": ""}]
    groups = warning.demo_groups()
    per, total, errors = warning.score(rows, groups)
    assert set(per) == {g.name for g in groups}
    assert total.tp + total.fn == 4
    assert total.fp >= 1 and any("banjir bandang" in e[0] for e in errors)
    assert 0 < (total.recall or 0) <= 1
    misspelt = [warning.misspell(r["text"], groups) for r in rows]
    assert warning.score(rows, groups, misspelt)[1].tp + warning.score(
        rows, groups, misspelt)[1].fn == 4
    median, p95 = warning.timings([r["text"] for r in rows], groups)
    assert 0 <= median <= p95


def test_report_prints_the_table(capsys) -> None:  # type: ignore[no-untyped-def]
    warning.report(load(LABELLED)[:12], show_errors=True)
    out = capsys.readouterr().out
    assert "| **all** |" in out and "bahaya infrastruktur" in out


def test_the_event_section_prints_heldout_figures(capsys) -> None:  # type: ignore[no-untyped-def]
    warning.events_report(show_errors=True)
    out = capsys.readouterr().out
    assert "| recall without keyword |" in out and "| orang_hilang |" in out
    assert "cold start" in out
    groups = warning.demo_groups()
    assert warning.keyword_free("air sudah masuk rumah sampai lutut", groups)
    assert not warning.keyword_free("banjir di desa kami", groups)
