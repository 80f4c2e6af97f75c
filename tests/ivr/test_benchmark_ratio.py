"""The IVR benchmark judges a case against the floor measured in the same slices, and
its p99 at a fixed offered rate (figures: docs/benchmarks-ivr.md)."""

from __future__ import annotations

import pytest

from benchmarks.ivr import Result, Tally, interleaved_order, verdicts


def _raw(requests: int, seconds: float, p50: float, p99: float, **errors: int) -> dict[str, float]:
    return {"requests": requests, "duration_us": seconds * 1e6, "p50_us": p50 * 1e3,
            "p90_us": p50 * 1e3, "p99_us": p99 * 1e3, "max_us": p99 * 1e3, "wraps": 0,
            "connect": 0, "read": 0, "write": 0, "timeout": 0, "status": 0, **errors}


def test_the_floor_and_the_case_alternate_so_a_steady_drift_weighs_on_both_alike():
    order = interleaved_order(4)
    assert order == ["floor", "hotline", "hotline", "floor", "floor", "hotline", "hotline",
                     "floor"]
    # Positions 0..7: each side's mean position is the same.
    assert sum(i for i, s in enumerate(order) if s == "floor") == \
        sum(i for i, s in enumerate(order) if s == "hotline")


def test_slices_add_up_requests_time_and_cpu_and_keep_the_worst_p99():
    tally = Tally()
    tally.add(_raw(100, 2, p50=10, p99=40), cpu_seconds=0.2)
    tally.add(_raw(300, 2, p50=20, p99=30, status=2), cpu_seconds=0.4)
    assert tally.rps == 100
    assert tally.p50_ms == 17.5  # weighted by requests
    assert tally.p99_ms == 40
    assert tally.cpu_ms == pytest.approx(1.5)
    assert tally.errors == {"status": 2} and tally.error_count == 2


def test_the_verdict_judges_the_share_in_the_same_slices_and_the_paced_p99():
    hotline, floor, paced = Tally(), Tally(), Tally()
    hotline.add(_raw(650, 2, p50=90, p99=120), 0.1)
    floor.add(_raw(1000, 2, p50=60, p99=80), 0.1)
    paced.add(_raw(250, 1, p50=5, p99=24), 0.1)
    result = Result("sqlite", "menu-status", 64, hotline, floor, 1, paced=paced,
                    paced_target_rps=250)
    (share, share_ok), (p99, p99_ok) = verdicts([result])
    assert share_ok and "65% of the floor in the same slices" in share
    assert p99_ok and "paced p99 24.0 ms" in p99 and "250 req/s" in p99
    result.paced = Tally()
    result.paced.add(_raw(250, 1, p50=5, p99=26), 0.1)
    assert verdicts([result])[1][1] is False
    # Without a paced run (16 connections) only the share is judged; 64.9% misses.
    hotline.add(_raw(-1, 0, p50=0, p99=0), 0)
    assert [ok for _, ok in verdicts([Result("sqlite", "x", 16, hotline, floor, 1)])] == \
        [False]
