"""``hotline listen`` scored on the independent sets: caller-style texts written by
someone who saw neither the model, its corpus nor its tests, never trained or tuned on
(``analytics/events_corpus/independent.jsonl``: 300 texts with their places, used to
judge changes since, so no longer blind; ``independent2.jsonl``: 240 texts written later
by another hand for alarm, kind and severity, scored once before it was committed).

Runs the real command in batch mode (one subprocess, one text per line) against the demo
configuration and prints early-warning precision/recall, recall on reports without their
keyword, false alarms on mentions, kind and severity agreement, and kecamatan/desa
precision/recall.

    PYTHONPATH=. .venv/bin/python -m benchmarks.listen_independent [--errors]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from analytics import event_training
from analytics.events import Assessment

CORPUS = Path(__file__).resolve().parents[1] / "analytics" / "events_corpus"
# independent.jsonl: 300 texts with places; independent2.jsonl: 240 texts labelled for
# alarm, kind, severity and what a non-alarm is (``what``: sebut / biasa), no places.
SETS = (CORPUS / "independent.jsonl", CORPUS / "independent2.jsonl")
GROUP_OF_WHAT = {"sebut": "mention", "biasa": "ordinary"}


def _canonical(name: str | None) -> str | None:
    """``Tubbi Taramanu (Tutar/Tutallu)`` as the gazetteer's first spelling."""
    return re.sub(r"\s*\(.*?\)", "", name).strip() if name else None


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.1%} ({a}/{b})" if b else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", action="store_true", help="print every disagreement")
    args = parser.parse_args(argv)
    for path in SETS:
        score(path, args.errors)
    return 0


def score(path: Path, errors: bool) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    for row in rows:
        if "group" not in row:
            row["group"] = "event" if row["alarm"] else GROUP_OF_WHAT[row["what"]]
        row.setdefault("kecamatan", None)
        row.setdefault("desa", None)
    command = shutil.which("hotline", path=str(Path(sys.executable).parent)) or "hotline"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    out = subprocess.run([command, "listen", "--json"], env=env, check=True, text=True,
                         input="".join(r["text"].replace("\n", " ") + "\n" for r in rows),
                         capture_output=True).stdout.splitlines()
    got = [json.loads(line) for line in out]
    assert len(got) == len(rows), (len(got), len(rows))
    # The alarms are scored by the trainer's held-out loop: each row as a labelled example,
    # each answer of the command as an assessment.
    scores = event_training.score(
        (event_training.Example(want["text"], want["kind"] if want["alarm"] else None,
                                want["severity"] if want["alarm"] else None),
         Assessment(have["alarm"], have["kind"], have["severity"], 0.0))
        for want, have in zip(rows, got, strict=True))
    tp, fp, fn = scores.alarm.tp, scores.alarm.fp, scores.alarm.fn
    kind, severity = scores.kind_right, scores.severity_right
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    places = {"kecamatan": [0, 0, 0], "desa": [0, 0, 0]}  # right, labelled, answered
    for want, have in zip(rows, got, strict=True):
        total[want["group"]] += 1
        right[want["group"]] += have["alarm"] == want["alarm"]
        for key, (ok, labelled, answered) in places.items():
            expected = _canonical(want[key])
            places[key] = [ok + (expected is not None and have[key] == expected),
                           labelled + (expected is not None), answered + (have[key] is not None)]
        if errors and (have["alarm"] != want["alarm"]
                            or have["kecamatan"] != _canonical(want["kecamatan"])):
            print(f"  [{want['group']}] want {want['kind']}/{_canonical(want['kecamatan'])} "
                  f"got {have['kind']}/{have['kecamatan']}: {want['text'][:120]}")
    print(f"hotline listen on an independent set ({len(rows)} texts, {path.name})")
    print(f"  early warning: precision {_ratio(tp, tp + fp)}, recall {_ratio(tp, tp + fn)}")
    if total["event_nokeyword"]:
        print(f"  reports without their keyword caught: "
              f"{_ratio(right['event_nokeyword'], total['event_nokeyword'])}")
    wrong = {group: total[group] - right[group] for group in total}
    print(f"  mentions that alarmed: {_ratio(wrong['mention'], total['mention'])}; ordinary "
          f"complaints that alarmed: {_ratio(wrong['ordinary'], total['ordinary'])}")
    print(f"  kind right {_ratio(kind, tp)}, severity right {_ratio(severity, tp)}")
    for key, (ok, labelled, answered) in places.items():
        if labelled:
            print(f"  {key}: precision {_ratio(ok, answered)}, recall {_ratio(ok, labelled)}")


if __name__ == "__main__":
    raise SystemExit(main())
