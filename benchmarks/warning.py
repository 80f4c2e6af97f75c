"""Early-warning figures for ``benchmarks/text_analytics.py``: precision and recall of the demo
keyword groups (``analytics/demo.py``) on the labelled set's ``alert_group`` column, per
group and overall, on the texts as written and on a copy with recognition-style
one-letter misspellings of the matched key words; and time per ticket.

The groups are built in memory (no database): :func:`analytics.warning.match_groups`
reads only ``name`` and ``word_list``.
"""

from __future__ import annotations

import random
import statistics
import string
import time
from collections.abc import Sequence

from analytics import matching
from analytics.demo import DEMO_GROUPS
from analytics.event_training import Counts
from analytics.models import KeywordGroup
from analytics.text import FUZZY_MIN_LENGTH, tokens
from analytics.warning import match_groups

SEED = 13
# What a recogniser confuses: a voiced/unvoiced consonant, a vowel for another, a letter
# left out or doubled (``banjir`` -> ``bajir``, ``longsor`` -> ``lonsor``).
_LIKE = {"b": "p", "p": "b", "d": "t", "t": "d", "g": "k", "k": "g", "a": "e", "e": "a",
         "i": "e", "o": "u", "u": "o", "r": "l", "l": "r", "n": "m", "m": "n", "s": "c",
         "j": "c", "c": "j", "h": "", "y": "i", "w": "u", "f": "p", "v": "f", "z": "s"}


def demo_groups() -> list[KeywordGroup]:
    return [KeywordGroup(name=name, words="\n".join(words))
            for name, words, *_ in DEMO_GROUPS]


def misspell_word(word: str, rng: random.Random) -> str:
    """``word`` with one letter changed, left out or doubled (never the first letter)."""
    i = rng.randrange(1, len(word))
    kind = rng.choice(("swap", "drop", "double"))
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    other = _LIKE.get(word[i]) or rng.choice([c for c in string.ascii_lowercase
                                              if c != word[i]])
    return word[:i] + other + word[i + 1:]


def misspell(text: str, groups: Sequence[KeywordGroup], seed: int = SEED) -> str:
    """``text`` with every word of a matched key phrase that is at least
    ``FUZZY_MIN_LENGTH`` letters long (the shortest the matcher forgives) misspelt once.
    The same text and seed always give the same copy."""
    rng = random.Random(f"{seed}:{text}")
    toks = tokens(text)
    wanted = [p for g in groups for p in matching.phrases(g.word_list)]
    key_words = [w for p in wanted for w in p.words]
    chosen = sorted({i for h in matching.find(toks, wanted) for i in range(h.start, h.end)
                     if len(toks[i].norm) >= FUZZY_MIN_LENGTH
                     and any(matching.word_matches(toks[i], w) for w in key_words)})
    out = text
    for i in reversed(chosen):
        t = toks[i]
        out = out[:t.start] + misspell_word(out[t.start:t.end].lower(), rng) + out[t.end:]
    return out


def score(rows: Sequence[dict[str, str]], groups: Sequence[KeywordGroup],
          texts: Sequence[str] | None = None) -> tuple[dict[str, Counts], Counts,
                                                       list[tuple[str, str, set[str]]]]:
    """Per group and overall (micro) counts of ``texts`` (default: the rows' texts)
    against their ``alert_group``; and the misses and false alarms (text, label, found)."""
    per = {g.name: Counts() for g in groups}
    total = Counts()
    errors = []
    for row, text in zip(rows, texts or [r["text"] for r in rows], strict=True):
        label = row.get("alert_group", "").strip()
        found = {m.group.name for m in match_groups(groups, text)}
        for name, c in per.items():
            for counts in (c, total):
                if name in found and name == label:
                    counts.tp += 1
                elif name in found:
                    counts.fp += 1
                elif name == label:
                    counts.fn += 1
        if found != ({label} if label else set()):
            errors.append((text, label, found))
    return per, total, errors


def timings(texts: Sequence[str], groups: Sequence[KeywordGroup]) -> tuple[float, float]:
    """Median and p95 milliseconds of matching one text against every group."""
    ms = []
    for text in texts:
        start = time.perf_counter()
        match_groups(groups, text)
        ms.append((time.perf_counter() - start) * 1000)
    ms.sort()
    return statistics.median(ms), ms[max(int(len(ms) * 0.95) - 1, 0)]


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1%}"


def report(rows: Sequence[dict[str, str]], *, show_errors: bool = False) -> None:
    """Print the section (markdown tables) for ``benchmarks.text_analytics``."""
    if not rows or "alert_group" not in rows[0]:
        print("\n(no alert_group column: early-warning figures skipped)")
        return
    groups = demo_groups()
    misspelt = [misspell(r["text"], groups) for r in rows]
    changed = sum(a != r["text"] for a, r in zip(misspelt, rows, strict=True))
    print("\n## Early warning (demo keyword groups, analytics/demo.py)\n")
    print(f"{sum(1 for r in rows if r['alert_group'].strip())} labelled alerts in "
          f"{len(rows)} texts; misspelt copy: {changed} texts changed (seed {SEED}: one "
          f"letter of each key word of {FUZZY_MIN_LENGTH}+ letters)\n")
    print("| group | labelled | precision | recall | precision (misspelt) "
          "| recall (misspelt) |")
    print("|---|---|---|---|---|---|")
    per, total, errors = score(rows, groups)
    per_m, total_m, errors_m = score(rows, groups, misspelt)
    for g in groups:
        c, m = per[g.name], per_m[g.name]
        print(f"| {g.name} | {c.tp + c.fn} | {_pct(c.precision)} | {_pct(c.recall)} "
              f"| {_pct(m.precision)} | {_pct(m.recall)} |")
    print(f"| **all** | {total.tp + total.fn} | {_pct(total.precision)} "
          f"| {_pct(total.recall)} | {_pct(total_m.precision)} | {_pct(total_m.recall)} |")
    median, p95 = timings([r["text"] for r in rows], groups)
    print(f"\nTime per ticket (all groups): median {median:.2f} ms, p95 {p95:.2f} ms")
    if show_errors:
        for title, errs in (("as written", errors), ("misspelt", errors_m)):
            print(f"\n### Disagreements ({title})\n")
            for text, label, found in errs:
                print(f"- [{label or '-'}] -> {sorted(found) or '-'}: {text}")


# --- the event model (analytics/events.py) on the held-out corpus --------------------

def keyword_free(text: str, groups: Sequence[KeywordGroup]) -> bool:
    """No demo group's word (as the fuzzy matcher reads it) is in ``text``."""
    return not match_groups(groups, text)


def cold_start_ms() -> float:
    """A fresh interpreter: ``import analytics.events`` and the first ``assess``."""
    import subprocess
    import sys

    code = ("import time; t = time.perf_counter(); from analytics.events import assess; "
            "assess('air masuk rumah'); print((time.perf_counter() - t) * 1000)")
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                 text=True, check=True).stdout) for _ in range(3)]
    return statistics.median(runs)


def events_report(*, show_errors: bool = False) -> None:
    """Print the event model's section: the held-out part of analytics/events_corpus/."""
    from analytics import event_training, events

    model = events.shipped_model()
    held = event_training.heldout_examples()
    groups = demo_groups()
    s = event_training.evaluate(model, held)
    free = [e for e in held if e.alarm and keyword_free(e.text, groups)]
    free_recall = event_training.evaluate(model, free).alarm.recall
    # The keyword groups scored as alarms (no kind, no severity) by the same loop.
    keywords = event_training.score(
        (e, events.Assessment(not keyword_free(e.text, groups), None, None, 0.0))
        for e in held)
    print(f"\n## Early warning on events (model {model.version}, trained on "
          f"{model.samples} texts: the dev part and the routing corpus's everyday "
          "complaints; scored on the held-out part)\n")
    print(f"{len(held)} held-out texts: {sum(e.alarm for e in held)} alarms, "
          f"{s.mentions} mentions, {sum(e.note == 'biasa' for e in held)} ordinary; "
          f"{len(free)} alarms have no demo keyword\n")
    print("| | event model | demo keyword groups (as alarms) |")
    print("|---|---|---|")
    print(f"| precision | {_pct(s.alarm.precision)} | {_pct(keywords.alarm.precision)} |")
    print(f"| recall | {_pct(s.alarm.recall)} | {_pct(keywords.alarm.recall)} |")
    print(f"| recall without keyword | {_pct(free_recall)} | 0.0% |")
    print(f"| false alarms on mentions | {_pct(s.mention_false_alarm_rate)} "
          f"| {_pct(keywords.mention_false_alarm_rate)} |")
    print(f"\nKind right on the alarms caught: {_pct(s.kind_accuracy)}; severity right: "
          f"{_pct(s.severity_accuracy)}\n")
    print("| kind | labelled | precision | recall |")
    print("|---|---|---|---|")
    for kind, c in s.per_kind.items():
        print(f"| {kind} | {c.tp + c.fn} | {_pct(c.precision)} | {_pct(c.recall)} |")
    texts = [e.text for e in held]
    ms = []
    for text in texts:
        start = time.perf_counter()
        model.assess(text)
        ms.append((time.perf_counter() - start) * 1000)
    ms.sort()
    print(f"\nTime per text: median {statistics.median(ms):.2f} ms, "
          f"p95 {ms[max(int(len(ms) * 0.95) - 1, 0)]:.2f} ms; cold start (import and first "
          f"assess, fresh interpreter, median of 3): {cold_start_ms():.0f} ms; model file "
          f"{events.MODEL_PATH.stat().st_size / 1024:.0f} kB")
    second = event_training.second_heldout_examples()
    s2 = event_training.evaluate(model, second)
    free2 = [e for e in second if e.alarm and keyword_free(e.text, groups)]
    print(f"\nSecond held-out part ({len(second)} texts, written separately; "
          f"{len(free2)} alarms without keyword, recall on them "
          f"{_pct(event_training.evaluate(model, free2).alarm.recall)}"
          f"): {event_training.summary(s2)}")
    independent(model)
    if show_errors:
        print("\n### Disagreements (event model, held-out)\n")
        for e, a in s.errors:
            print(f"- [{e.kind or e.note}] -> [{a.kind or '-'} {a.confidence:.2f}]: {e.text}")


def independent(model: object) -> None:
    """Alarms on the routing set (``data/complaints-labelled.csv``), written by another
    hand for routing: its ``alert_group`` marks the texts a keyword group should flag
    (some are past events or aid requests), the others are everyday complaints; the
    share of the latter that alarm is an independent false-alarm figure."""
    from analytics.events import EventModel

    assert isinstance(model, EventModel)
    from benchmarks.text_analytics import LABELLED, load

    rows = load(LABELLED)
    flagged = [r for r in rows if r["alert_group"].strip()]
    everyday = [r for r in rows if not r["alert_group"].strip()]
    hits = sum(model.assess(r["text"]).alarm for r in flagged)
    false = sum(model.assess(r["text"]).alarm for r in everyday)
    print(f"\nIndependent check ({LABELLED.name}, written for routing by another hand, "
          f"not trained on; see analytics/events_corpus/README.md): alarms on {hits} of "
          f"{len(flagged)} texts with an alert_group ({_pct(hits / len(flagged))}), and on "
          f"{false} of {len(everyday)} "
          f"everyday complaints ({_pct(false / len(everyday))} false alarms)")
