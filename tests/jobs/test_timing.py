"""The stage timings a media job logs: exclusive stages, silent outside a job, and a
line the pipeline benchmark can read back."""

from __future__ import annotations

import logging

import pytest

from jobs import timing


def test_a_stage_inside_another_is_counted_once() -> None:
    watch = timing.Stopwatch()
    with watch.stage("store"), watch.stage("audio_check"):
        pass
    with watch.stage("store"):
        pass
    assert set(watch.stages) == {"store", "audio_check"}
    assert all(v >= 0 for v in watch.stages.values())


def test_outside_a_job_the_stages_do_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="jobs.timing")
    with timing.stage("fetch"):
        timing.add("queue_wait", 3.0)
    assert not caplog.records


def test_a_job_logs_one_line_that_parses_back(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="jobs.timing")
    with pytest.raises(RuntimeError), timing.job("recording", 7, "transcribe"):
        timing.add("queue_wait", 0.25)
        timing.add("model", 1.5)
        timing.add("model", -9)  # a clock step never counts as negative time
        with timing.stage("db"):
            raise RuntimeError("the line is logged however the job ends")
    [record] = caplog.records
    what, item, step, stages = timing.parse("[worker] " + record.getMessage()) or ("", 0, "", {})
    assert (what, item, step) == ("recording", 7, "transcribe")
    assert stages["queue_wait"] == 0.25 and stages["model"] == 1.5 and "db" in stages


@pytest.mark.parametrize("line", ["", "stages", "stages recording x transcribe a=1",
                                  "stages recording 3 transcribe a=b", "task succeeded"])
def test_other_lines_are_not_stages(line: str) -> None:
    assert timing.parse(line) is None
