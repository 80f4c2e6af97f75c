"""Training and scoring the early-warning model (:mod:`analytics.events`) with scikit-learn.

The corpus is ``analytics/events_corpus/`` (its README says how it was written):
``dev.tsv`` trains the shipped model, ``heldout.tsv`` only scores it. A retrained model
(the desk's confirmed and dismissed alarms added to the dev part) is scored on the same
held-out part, so the admin compares like with like before it replaces the current one.

Training is deterministic (liblinear/lbfgs with a fixed ``random_state``): the same texts
give the same weights and the same version. The weights are written as JSON for
:class:`analytics.events.EventModel`, which scores without importing scikit-learn.

Rebuild the shipped model (``make events-model``)::

    python -m analytics.event_training build     # writes analytics/events_model.json
    python -m analytics.event_training evaluate  # held-out figures of the shipped model
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analytics.events import (
    CUES,
    KEYWORDS,
    KINDS,
    MODEL_PATH,
    SEVERITIES,
    Assessment,
    EventModel,
    char_features,
    word_features,
)

CORPUS_DIR = Path(__file__).with_name("events_corpus")
DEV = CORPUS_DIR / "dev.tsv"
HELDOUT = CORPUS_DIR / "heldout.tsv"
# Written separately after the first independent check (its README says how); only scored.
HELDOUT2 = CORPUS_DIR / "heldout2.tsv"
# Regularisation of the three heads and the alarm threshold, chosen by 5-fold
# cross-validation on the dev part only (``python -m analytics.event_training tune``).
C_ALARM = 10.0
C_KIND = 20.0
C_SEVERITY = 5.0
THRESHOLD = 0.5
DIGITS = 4
# A feature seen in one text only says little beyond it, and halves the model file.
MIN_DF = 2
# Weights smaller than this are left out of the file: the held-out figures do not move
# (measured at 0.05 and 0.1), and the model loads in a third of the time.
PRUNE = 0.05
NOT_ALARM = "-"
NOTES = ("sebut", "biasa")  # a mention of an event that is not happening; an ordinary one


@dataclass(frozen=True)
class Example:
    text: str
    kind: str | None = None
    severity: str | None = None
    note: str | None = None    # for a non-alarm: "sebut" (a mention) or "biasa"

    @property
    def alarm(self) -> bool:
        return self.kind is not None


def parse_line(line: str, where: str = "") -> Example | None:
    """``kind<TAB>severity<TAB>text``; ``-<TAB>sebut|biasa<TAB>text`` for no alarm; lines
    starting with ``#`` and blank ones are skipped."""
    if not line.strip() or line.startswith("#"):
        return None
    parts = line.rstrip("\n").split("\t")
    if len(parts) != 3:
        raise ValueError(f"{where}: expected kind, severity and text separated by tabs")
    kind, severity, text = (p.strip() for p in parts)
    if kind == NOT_ALARM:
        if severity not in NOTES:
            raise ValueError(f"{where}: a non-alarm is 'sebut' or 'biasa', not {severity!r}")
        return Example(text, None, None, severity)
    if kind not in KINDS or severity not in SEVERITIES:
        raise ValueError(f"{where}: unknown kind {kind!r} or severity {severity!r}")
    return Example(text, kind, severity)


def load(path: Path) -> list[Example]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        example = parse_line(line, f"{path.name}:{n}")
        if example is not None:
            out.append(example)
    return out


def dev_examples() -> list[Example]:
    return load(DEV)


def heldout_examples() -> list[Example]:
    return load(HELDOUT)


def second_heldout_examples() -> list[Example]:
    return load(HELDOUT2)


# A routing-corpus complaint with none of these word beginnings is an ordinary complaint
# (no alarm); one with them may tell of an event and is left out rather than guessed.
EVENT_STEMS = ("putus", "ambruk", "ambles", "amblas", "roboh", "runtuh", "jebol", "longsor",
               "banjir", "kebanjir", "bakar", "terbakar", "kebakar", "api", "asap", "tenggelam",
               "hanyut", "hilang", "racun", "keracun", "wabah", "diare", "demam", "muntah",
               "meluap", "genang", "tergenang", "rendam", "terendam", "retak", "miring",
               "tumbang", "bentrok", "tawur", "ancam", "serang", "rusuh", "meninggal", "tewas",
               "sakit", "pingsan", "kejang", "korban", "tolong", "darurat", "hampir", "takut",
               "bahaya", "berbahaya", "air", "arus", "sungai", "jatuh", "luka", "tertimpa",
               "kabel", "listrik", "gas", "bocor", "tebing", "jurang", "amuk", "pukul", "bacok")


def routing_negatives() -> list[Example]:
    """Ordinary complaints from the routing seed corpus (``analytics/corpus/``, written by
    others for routing), as non-alarms: every line with no word beginning as one of
    :data:`EVENT_STEMS`. They teach the model what an everyday complaint sounds like."""
    from analytics.events import words
    from analytics.suggest import seed_corpus

    out = []
    for text, _ in seed_corpus():
        if not any(w.startswith(EVENT_STEMS) for w in words(text)):
            out.append(Example(text, None, None, "biasa"))
    return out


def place_words() -> frozenset[str]:
    """The words of the demo gazetteer's names and their other spellings that are not
    Indonesian root words (``lapeo``, ``mapilli``; not ``batu``, ``baru``, ``sungai``):
    left out of every text the model reads (``analytics.events.words``)."""
    import csv

    from analytics.events import words
    from analytics.gazetteer import DEMO_PLACES
    from analytics.text import dictionary

    known = dictionary()
    out: set[str] = set()
    with DEMO_PLACES.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for raw in (row.get("kecamatan", ""), row.get("desa", ""), row.get("alias", "")):
                out.update(w for w in words(raw) if len(w) >= 3 and w not in known
                           and not w.isdigit())
    return frozenset(out)


def training_examples() -> list[Example]:
    """What the shipped model learns from: the dev part and the routing negatives."""
    return dev_examples() + routing_negatives()


def data_version(examples: Sequence[Example], params: Iterable[Any]) -> str:
    digest = hashlib.sha256(repr(tuple(params)).encode())
    for e in sorted(examples, key=lambda e: (e.text, e.kind or "", e.severity or "")):
        digest.update(f"\x00{e.text}\x01{e.kind}\x02{e.severity}".encode())
    return digest.hexdigest()[:12]


def _round(x: float) -> float:
    return float(f"{x:.{DIGITS}g}")


def train(examples: Sequence[Example], *, c_alarm: float = C_ALARM, c_kind: float = C_KIND,
          c_severity: float = C_SEVERITY, threshold: float = THRESHOLD,
          version_prefix: str = "") -> EventModel:
    """The three heads trained on ``examples`` (at least one alarm of two kinds)."""
    from scipy.sparse import hstack  # type: ignore[import-untyped]
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    alarms = [e for e in examples if e.alarm]
    if len({e.kind for e in alarms}) < 2 or len(alarms) == len(examples):
        raise ValueError("an event model needs alarms of two kinds and non-alarms")
    texts = [e.text for e in examples]
    unheard = place_words()
    word_vec = TfidfVectorizer(analyzer=lambda t: word_features(t, unheard),
                               sublinear_tf=True, min_df=MIN_DF)
    char_vec = TfidfVectorizer(analyzer=lambda t: char_features(t, unheard),
                               sublinear_tf=True, min_df=MIN_DF)
    x = hstack([word_vec.fit_transform(texts), char_vec.fit_transform(texts)]).tocsr()
    names = ([f"w:{g}" for g in word_vec.get_feature_names_out()]
             + [f"c:{g}" for g in char_vec.get_feature_names_out()])

    alarm = LogisticRegression(C=c_alarm, max_iter=5000, random_state=0,
                               class_weight="balanced")
    alarm.fit(x, [e.alarm for e in examples])
    rows = [i for i, e in enumerate(examples) if e.alarm]
    xa = x[rows]
    kind = LogisticRegression(C=c_kind, max_iter=5000, random_state=0)
    kind.fit(xa, [e.kind for e in alarms])
    severity = LogisticRegression(C=c_severity, max_iter=5000, random_state=0,
                                  class_weight="balanced")
    severity.fit(xa, [e.severity for e in alarms])

    def multi(model: Any) -> dict[str, Any]:
        classes = [str(c) for c in model.classes_]
        coef = model.coef_
        if len(classes) == 2:  # binary: one row; the first class gets its negative
            coef = [-coef[0], coef[0]]
            b = [-float(model.intercept_[0]), float(model.intercept_[0])]
        else:
            b = [float(v) for v in model.intercept_]
        return {"classes": classes, "b": [_round(v) for v in b],
                "w": {n: [_round(float(coef[k][j])) for k in range(len(classes))]
                      for j, n in enumerate(names)
                      if max(abs(float(coef[k][j])) for k in range(len(classes))) >= PRUNE}}

    kind_head, severity_head = multi(kind), multi(severity)
    # The cue lexicon and the words left out are part of the features: a change is a new model.
    params = (c_alarm, c_kind, c_severity, threshold, MIN_DF, PRUNE, DIGITS, CUES, KEYWORDS,
              sorted(unheard))
    data = {
        "version": version_prefix + data_version(examples, params),
        "samples": len(examples),
        "threshold": threshold,
        "kinds": kind_head.pop("classes"),
        "severities": severity_head.pop("classes"),
        "word_idf": {g: _round(float(v)) for g, v in
                     zip(word_vec.get_feature_names_out(), word_vec.idf_, strict=True)},
        "char_idf": {g: _round(float(v)) for g, v in
                     zip(char_vec.get_feature_names_out(), char_vec.idf_, strict=True)},
        "alarm": {"b": _round(float(alarm.intercept_[0])),
                  "w": {n: _round(float(alarm.coef_[0][j])) for j, n in enumerate(names)
                        if abs(alarm.coef_[0][j]) >= PRUNE}},
        "kind": kind_head,
        "severity": severity_head,
        "place_words": sorted(unheard),
    }
    return EventModel(data)


# --- scoring -------------------------------------------------------------------------

@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": self.precision, "recall": self.recall}


@dataclass
class Scores:
    """Alarm precision/recall; per kind (an alarm of the right kind); the share of
    mentions that alarm; kind and severity accuracy on the alarms caught."""

    alarm: Counts = field(default_factory=Counts)
    per_kind: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})
    mentions: int = 0
    mention_alarms: int = 0
    caught: int = 0
    kind_right: int = 0
    severity_right: int = 0
    errors: list[tuple[Example, Assessment]] = field(default_factory=list)

    @property
    def mention_false_alarm_rate(self) -> float | None:
        return self.mention_alarms / self.mentions if self.mentions else None

    @property
    def kind_accuracy(self) -> float | None:
        return self.kind_right / self.caught if self.caught else None

    @property
    def severity_accuracy(self) -> float | None:
        return self.severity_right / self.caught if self.caught else None

    def as_dict(self) -> dict[str, Any]:
        return {"alarm": self.alarm.as_dict(), "mentions": self.mentions,
                "mention_false_alarm_rate": self.mention_false_alarm_rate,
                "kind_accuracy": self.kind_accuracy,
                "severity_accuracy": self.severity_accuracy,
                "per_kind": {k: c.as_dict() for k, c in self.per_kind.items()}}


def score(pairs: Iterable[tuple[Example, Assessment]]) -> Scores:
    """The held-out scoring loop, once: each labelled example beside what a model (or
    anything that decides alarms: the keyword groups, ``hotline listen``) said of it."""
    s = Scores()
    for e, a in pairs:
        if a.alarm and e.alarm:
            s.alarm.tp += 1
            s.caught += 1
            s.kind_right += a.kind == e.kind
            s.severity_right += a.severity == e.severity
        elif a.alarm:
            s.alarm.fp += 1
        elif e.alarm:
            s.alarm.fn += 1
        if e.note == "sebut":
            s.mentions += 1
            s.mention_alarms += a.alarm
        for k, c in s.per_kind.items():
            if a.kind == k and e.kind == k:
                c.tp += 1
            elif a.kind == k:
                c.fp += 1
            elif e.kind == k:
                c.fn += 1
        if a.alarm != e.alarm or (a.alarm and a.kind != e.kind):
            s.errors.append((e, a))
    return s


def evaluate(model: EventModel, examples: Sequence[Example]) -> Scores:
    return score((e, model.assess(e.text)) for e in examples)


def cross_validate(examples: Sequence[Example], folds: int = 5, **params: Any) -> Scores:
    """Scores of ``folds`` models, each trained without one fold and scored on it."""
    pairs: list[tuple[Example, Assessment]] = []
    for fold in range(folds):
        held = [e for i, e in enumerate(examples) if i % folds == fold]
        model = train([e for i, e in enumerate(examples) if i % folds != fold], **params)
        pairs += [(e, model.assess(e.text)) for e in held]
    return score(pairs)


def shipped_build() -> EventModel:
    return train(training_examples(), version_prefix="seed-")


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1%}"


def summary(s: Scores) -> str:
    return (f"P {_pct(s.alarm.precision)} R {_pct(s.alarm.recall)} "
            f"(tp {s.alarm.tp} fp {s.alarm.fp} fn {s.alarm.fn}); mentions alarmed "
            f"{_pct(s.mention_false_alarm_rate)} of {s.mentions}; kind "
            f"{_pct(s.kind_accuracy)}, severity {_pct(s.severity_accuracy)}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=("build", "evaluate", "tune"))
    parser.add_argument("--errors", action="store_true", help="list the disagreements")
    args = parser.parse_args(argv)
    if args.command == "build":
        model = shipped_build()
        MODEL_PATH.write_text(model.dumps() + "\n", encoding="utf-8")
        print(f"{MODEL_PATH.name}: version {model.version}, {model.samples} texts, "
              f"{MODEL_PATH.stat().st_size / 1024:.0f} kB")
        return
    if args.command == "tune":
        dev = training_examples()
        for c_alarm in (1.0, 3.0, 10.0, 30.0):
            for threshold in (0.4, 0.5, 0.6):
                s = cross_validate(dev, c_alarm=c_alarm, threshold=threshold)
                print(f"C_ALARM {c_alarm:>5} threshold {threshold}: {summary(s)}")
        return
    model = EventModel.loads(MODEL_PATH.read_bytes())
    for name, part in (("held-out", heldout_examples()),
                       ("second held-out", second_heldout_examples())):
        s = evaluate(model, part)
        print(f"{name} ({model.version}): {summary(s)}")
        if args.errors:
            for e, a in s.errors:
                print(f"- [{e.kind or e.note}] -> [{a.kind or '-'} {a.confidence:.2f}] {e.text}")


if __name__ == "__main__":
    main()
