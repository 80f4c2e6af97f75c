"""Routing-suggestion benchmark: top-1/top-2 category accuracy and time per ticket.

The labelled set (``benchmarks/data/complaints-labelled.csv``: text, category,
alert_group) was written for this purpose, apart from the seed corpus the model learns
from (``analytics/corpus/``): varied wording, regional words, unpunctuated
transcript-style lower case and recognition-style misspellings.

Measured:
* each model kind trained on the seed corpus alone (what a fresh install uses), scored
  on the labelled set: top-1, top-2, per category, training time;
* the shipped kind after learning from verified tickets: 5-fold, seed corpus plus four
  fifths of the labelled set, scored on the fifth left out;
* time per ticket: one ``rank`` call per text, as the worker makes it;
* ``hotline listen`` (``benchmarks/listening.py``): places precision and recall on two
  held-out sets, the cold start of ``hotline listen``/``hotline suggest`` and the time per
  text in-process;
* early warning (``benchmarks/warning.py``): precision and recall of the demo keyword
  groups against the ``alert_group`` column, per group and overall, on the texts as
  written and on a seeded copy with one-letter misspellings of the key words; time per
  ticket;
* early warning on events (the model of ``analytics/events.py``) on the held-out part of
  ``analytics/events_corpus/``: precision and recall overall and per kind, recall on
  alarms without any demo keyword, false alarms on mentions, beside the demo keyword
  groups used as alarms; time per text and the cold start.

Rerun:
    make bench-analytics
    .venv/bin/python -m benchmarks.text_analytics [--set other.csv] [--kinds logreg,svm,nb]
        [--errors]   (also list the early-warning misses and false alarms)

Any CSV with ``text`` and ``category`` columns can be scored with ``--set``.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from analytics.suggest import DEFAULT_KIND, KINDS, Classifier, seed_corpus
from benchmarks import listen_independent, listening, warning

LABELLED = Path(__file__).with_name("data") / "complaints-labelled.csv"


def load(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r.get("text", "").strip()]
    if not rows or "category" not in rows[0]:
        sys.exit(f"{path}: needs the columns text and category")
    return rows


def score(model: Classifier, rows: list[dict[str, str]]) -> tuple[float, float, dict[str, float]]:
    ranks = model.rank_many(r["text"] for r in rows)
    hits1 = [r["category"] == k[0].label for r, k in zip(rows, ranks, strict=True)]
    hits2 = [r["category"] in {x.label for x in k[:2]} for r, k in zip(rows, ranks, strict=True)]
    per: dict[str, list[bool]] = defaultdict(list)
    for r, hit in zip(rows, hits1, strict=True):
        per[r["category"]].append(hit)
    return (sum(hits1) / len(rows), sum(hits2) / len(rows),
            {c: sum(h) / len(h) for c, h in sorted(per.items())})


def train(pairs: list[tuple[str, str]], kind: str) -> tuple[Classifier, float]:
    start = time.perf_counter()
    model = Classifier.train([t for t, _ in pairs], [c for _, c in pairs], kind=kind)
    return model, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", type=Path, default=LABELLED, help="labelled CSV")
    parser.add_argument("--kinds", default=",".join(KINDS), help="model kinds to compare")
    parser.add_argument("--errors", action="store_true",
                        help="list the early-warning misses and false alarms")
    args = parser.parse_args()
    rows = load(args.set)
    seed = seed_corpus()
    kinds = [k for k in args.kinds.split(",") if k]
    print(f"labelled set: {args.set.name}, {len(rows)} texts; seed corpus: {len(seed)} texts, "
          f"{len({c for _, c in seed})} categories")

    print("\n## Seed corpus only (a fresh install)\n")
    print("| model | top-1 | top-2 | training |")
    print("|---|---|---|---|")
    shipped: Classifier | None = None
    per_category: dict[str, float] = {}
    for kind in kinds:
        model, seconds = train(seed, kind)
        top1, top2, per = score(model, rows)
        marker = " (shipped)" if kind == DEFAULT_KIND else ""
        print(f"| {kind}{marker} | {top1:.1%} | {top2:.1%} | {seconds:.2f} s |")
        if kind == DEFAULT_KIND:
            shipped, per_category = model, per
    if shipped is None:
        shipped, _ = train(seed, DEFAULT_KIND)
        per_category = score(shipped, rows)[2]

    print(f"\n## Top-1 per category ({DEFAULT_KIND}, seed corpus only)\n")
    for category, acc in per_category.items():
        print(f"- {category}: {acc:.1%}")

    print(f"\n## After learning from verified tickets ({DEFAULT_KIND}, 5-fold: seed corpus "
          "+ 4/5 of the set, scored on the other 1/5)\n")
    folds = 5
    hits1 = hits2 = 0
    for fold in range(folds):
        held = [r for i, r in enumerate(rows) if i % folds == fold]
        learnt = [(r["text"], r["category"]) for i, r in enumerate(rows) if i % folds != fold]
        model, _ = train(seed + learnt, DEFAULT_KIND)
        top1, top2, _ = score(model, held)
        hits1 += round(top1 * len(held))
        hits2 += round(top2 * len(held))
    print(f"top-1 {hits1 / len(rows):.1%}, top-2 {hits2 / len(rows):.1%}")

    print("\n## Time per ticket (one rank() call per text, as the worker makes it)\n")
    timings = []
    for r in rows:
        start = time.perf_counter()
        shipped.rank(r["text"])
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    blob = shipped.dumps()
    start = time.perf_counter()
    Classifier.loads(blob)
    load_ms = (time.perf_counter() - start) * 1000
    print(f"median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms per ticket; "
          f"model blob {len(blob) / 1024:.0f} kB, loaded in {load_ms:.0f} ms")
    warning.report(rows, show_errors=args.errors)
    warning.events_report(show_errors=args.errors)
    for places_set in (listening.HELDOUT, listening.HELDOUT_2):
        listening.places_report(places_set, show_errors=args.errors)
    listening.timing_report()
    print()
    listen_independent.main(["--errors"] if args.errors else [])
    print("\nRerun: make bench-analytics  (or .venv/bin/python -m benchmarks.text_analytics "
          f"--set {args.set} --kinds {args.kinds})")


if __name__ == "__main__":
    main()
