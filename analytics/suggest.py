"""Routing suggestion: which category (and so which pokja) a complaint's text belongs to.

A linear model over TF-IDF features of word unigrams and bigrams and of character
2- to 5-grams within words (``char_wb``). Character n-grams carry the model over what
the recogniser and hurried typists do to words ("pukesmas", "smpah", "jln", "berlobang")
and over Indonesian affixes ("diperbaiki", "perbaikan"); the word features carry
phrases ("air pdam", "lampu pju"). ``benchmarks/text_analytics.py`` measured the
alternatives (docs/analytics.md); logistic regression was the most accurate and gives
probabilities directly, which are the confidence the console shows.

A fresh install learns from the seed corpus shipped in ``analytics/corpus/`` (one file
per demo category); ``analytics.suggestions`` retrains on the seed corpus plus the
verified tickets. This module knows nothing of the database: texts and labels in, a
ranking out. Training is deterministic (fixed ``random_state``, a deterministic
solver), so the same texts give the same model and the same version.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sklearn.pipeline import FeatureUnion, Pipeline  # type: ignore[import-untyped]

# scikit-learn and joblib are imported where a model is trained or unpickled, not here:
# importing them costs about a second, and the command line's fast path
# (``analytics.compact``, the shipped seed model as arrays) needs only ``Ranked`` and
# ``normalise`` from this module.

CORPUS_DIR = Path(__file__).with_name("corpus")
SEED_PREFIX = "seed-"
# Texts shorter than this say too little to route (a hang-up, "halo halo").
MIN_CHARS = 8
KINDS = ("logreg", "svm", "nb")
DEFAULT_KIND = "logreg"

_SPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^0-9a-z\s]")


def normalise(text: str) -> str:
    """Lower case, punctuation to spaces, one space between words: a typed complaint and
    a recogniser's unpunctuated transcript of the same words look alike."""
    return _SPACE.sub(" ", _NOT_WORD.sub(" ", text.lower())).strip()


@dataclass(frozen=True)
class Ranked:
    label: str
    probability: float


def seed_corpus(directory: Path = CORPUS_DIR) -> list[tuple[str, str]]:
    """(text, category name) pairs: each ``*.txt`` names its category on a first line
    ``# category: NAME``; other ``#`` lines are comments; one complaint per line."""
    pairs: list[tuple[str, str]] = []
    for path in sorted(directory.glob("*.txt")):
        label = None
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line.startswith("# category:"):
                label = line.split(":", 1)[1].strip()
            elif line and not line.startswith("#"):
                if label is None:
                    raise ValueError(f"{path.name}: no '# category:' line before the texts")
                pairs.append((line, label))
    return pairs


def _features() -> FeatureUnion:
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
    from sklearn.pipeline import FeatureUnion  # type: ignore[import-untyped]

    return FeatureUnion([
        ("words", TfidfVectorizer(preprocessor=normalise, ngram_range=(1, 2),
                                  sublinear_tf=True, min_df=1)),
        ("chars", TfidfVectorizer(preprocessor=normalise, analyzer="char_wb",
                                  ngram_range=(2, 5), sublinear_tf=True, min_df=1)),
    ])


def _estimator(kind: str) -> Any:
    if kind == "logreg":
        from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

        return LogisticRegression(C=20.0, max_iter=5000, random_state=0)
    if kind == "svm":
        from sklearn.calibration import CalibratedClassifierCV  # type: ignore[import-untyped]
        from sklearn.svm import LinearSVC  # type: ignore[import-untyped]

        return CalibratedClassifierCV(LinearSVC(C=1.0, random_state=0), cv=3)
    if kind == "nb":
        from sklearn.naive_bayes import ComplementNB  # type: ignore[import-untyped]

        return ComplementNB(alpha=0.3)
    raise ValueError(f"unknown model kind {kind!r}; one of {', '.join(KINDS)}")


def data_version(texts: Sequence[str], labels: Sequence[str], kind: str) -> str:
    """A name for what a model learnt from: the same data gives the same version."""
    digest = hashlib.sha256(kind.encode())
    for text, label in sorted(zip(texts, labels, strict=True)):
        digest.update(b"\x00" + text.encode() + b"\x01" + label.encode())
    return digest.hexdigest()[:12]


class Classifier:
    """A trained model and the version of the data it learnt from."""

    def __init__(self, pipeline: Pipeline, version: str, samples: int) -> None:
        self.pipeline = pipeline
        self.version = version
        self.samples = samples

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[str], *, kind: str = DEFAULT_KIND,
              version_prefix: str = "") -> Classifier:
        if len(set(labels)) < 2:
            raise ValueError("a routing model needs examples of at least two categories")
        from sklearn.pipeline import Pipeline  # type: ignore[import-untyped]

        pipeline = Pipeline([("features", _features()), ("model", _estimator(kind))])
        pipeline.fit(list(texts), list(labels))
        return cls(pipeline, version_prefix + data_version(texts, labels, kind), len(texts))

    @property
    def labels(self) -> list[str]:
        return [str(c) for c in self.pipeline.classes_]

    def rank(self, text: str) -> list[Ranked]:
        """Every known label, most probable first (ties broken by name, so the order
        never depends on anything but the text and the model)."""
        probs = self.pipeline.predict_proba([text])[0]
        order = sorted(range(len(probs)), key=lambda i: (-float(probs[i]), self.labels[i]))
        return [Ranked(self.labels[i], round(float(probs[i]), 4)) for i in order]

    def rank_many(self, texts: Iterable[str]) -> list[list[Ranked]]:
        texts = list(texts)
        if not texts:
            return []
        probs = self.pipeline.predict_proba(texts)
        labels = self.labels
        out = []
        for row in np.asarray(probs):
            order = sorted(range(len(row)), key=lambda i: (-float(row[i]), labels[i]))
            out.append([Ranked(labels[i], round(float(row[i]), 4)) for i in order])
        return out

    def dumps(self) -> bytes:
        import joblib  # type: ignore[import-untyped]

        buffer = io.BytesIO()
        joblib.dump({"pipeline": self.pipeline, "version": self.version,
                     "samples": self.samples}, buffer, compress=3)
        return buffer.getvalue()

    @classmethod
    def loads(cls, blob: bytes) -> Classifier:
        # Only blobs this product wrote into its own database are ever loaded.
        import joblib  # type: ignore[import-untyped]

        data = joblib.load(io.BytesIO(blob))
        return cls(data["pipeline"], str(data["version"]), int(data["samples"]))


def seed_classifier(kind: str = DEFAULT_KIND) -> Classifier:
    """The model of a fresh install, from the shipped corpus alone."""
    pairs = seed_corpus()
    return Classifier.train([t for t, _ in pairs], [c for _, c in pairs], kind=kind,
                            version_prefix=SEED_PREFIX)
