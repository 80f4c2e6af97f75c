"""A trained routing model as plain arrays, scored with numpy alone.

Importing scikit-learn costs about a second, longer than the command line may take for a
whole answer (``hotline suggest``, ``hotline listen``). The shipped seed model is
therefore also stored as what it computes with: the two vocabularies and their IDF
weights (word 1-2-grams and ``char_wb`` 2-5-grams, as :func:`analytics.suggest._features`
builds them) and the logistic regression's coefficients. :class:`CompactModel` repeats
the pipeline's arithmetic (n-grams, sublinear TF times IDF, L2 norm per block, a linear
layer and a softmax) and gives the same ranking as ``Classifier.rank``;
``tests/analytics/test_compact.py`` holds it to that on the labelled set.

``analytics/data/seed_model.npz`` is written by :func:`export` (rerun
``python -m analytics.compact`` after changing the seed corpus; a test fails while the
file is older than the corpus). No pickle is involved: the file holds numbers and
strings only.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from analytics.suggest import Ranked, normalise

SEED_MODEL = Path(__file__).with_name("data") / "seed_model.npz"
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # TfidfVectorizer's default token_pattern
_SPACES = re.compile(r"\s\s+")


def word_ngrams(text: str) -> list[str]:
    """Word unigrams and bigrams of the normalised text (TfidfVectorizer, ngram (1, 2))."""
    toks = _TOKEN.findall(normalise(text))
    return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)]


def char_wb_ngrams(text: str, low: int = 2, high: int = 5) -> list[str]:
    """Character n-grams inside words padded with a space (``analyzer="char_wb"``)."""
    out: list[str] = []
    for word in _SPACES.sub(" ", normalise(text)).split():
        w = f" {word} "
        for n in range(low, high + 1):
            if len(w) <= n:
                out.append(w)  # the whole padded word once, then no longer n
                break
            out.extend(w[i:i + n] for i in range(len(w) - n + 1))
    return out


class _Block:
    """One TF-IDF vectoriser: term -> column, and its IDF weights."""

    def __init__(self, terms: Sequence[str], idf: np.ndarray, offset: int) -> None:
        self.index = {t: i for i, t in enumerate(terms)}
        self.idf = idf
        self.offset = offset

    def features(self, grams: list[str]) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(g for g in grams if g in self.index)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        cols = np.fromiter((self.index[g] for g in counts), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        values = (np.log(tf) + 1.0) * self.idf[cols]
        norm = np.sqrt(np.dot(values, values))
        return cols + self.offset, values / norm if norm else values


class CompactModel:
    """The seed routing model without scikit-learn: ``rank`` as ``Classifier.rank``."""

    def __init__(self, data: Any) -> None:
        words = [str(t) for t in data["word_terms"]]
        chars = [str(t) for t in data["char_terms"]]
        self.words = _Block(words, np.asarray(data["word_idf"], dtype=np.float64), 0)
        self.chars = _Block(chars, np.asarray(data["char_idf"], dtype=np.float64), len(words))
        self.coef = np.asarray(data["coef"], dtype=np.float64)
        self.intercept = np.asarray(data["intercept"], dtype=np.float64)
        self.labels = [str(c) for c in data["classes"]]
        self.version = str(data["version"])
        self.samples = int(data["samples"])

    @classmethod
    def load(cls, path: Path = SEED_MODEL) -> CompactModel:
        with np.load(path, allow_pickle=False) as data:
            return cls({k: data[k] for k in data.files})

    def probabilities(self, text: str) -> np.ndarray:
        wc, wv = self.words.features(word_ngrams(text))
        cc, cv = self.chars.features(char_wb_ngrams(text))
        cols, values = np.concatenate([wc, cc]), np.concatenate([wv, cv])
        scores = self.coef[:, cols] @ values + self.intercept
        if len(self.labels) == 2:  # a binary logistic regression has one row
            p = 1.0 / (1.0 + np.exp(-scores[0]))
            return np.array([1.0 - p, p])
        scores = np.exp(scores - scores.max())
        return np.asarray(scores / scores.sum())

    def rank(self, text: str) -> list[Ranked]:
        probs = self.probabilities(text)
        order = sorted(range(len(probs)), key=lambda i: (-float(probs[i]), self.labels[i]))
        return [Ranked(self.labels[i], round(float(probs[i]), 4)) for i in order]


def export(classifier: Any) -> bytes:
    """The arrays of a trained logistic-regression ``analytics.suggest.Classifier``."""
    features = classifier.pipeline.named_steps["features"]
    model = classifier.pipeline.named_steps["model"]
    blocks = dict(features.transformer_list)
    if not hasattr(model, "coef_"):
        raise ValueError("only a linear model (logreg) can be stored as arrays")

    def terms(vectoriser: Any) -> np.ndarray:
        vocab = vectoriser.vocabulary_
        return np.array(sorted(vocab, key=vocab.__getitem__))

    buffer = io.BytesIO()
    np.savez_compressed(
        buffer, word_terms=terms(blocks["words"]), word_idf=blocks["words"].idf_,
        char_terms=terms(blocks["chars"]), char_idf=blocks["chars"].idf_,
        coef=model.coef_, intercept=model.intercept_,
        classes=np.array([str(c) for c in model.classes_]),
        version=np.array(classifier.version), samples=np.array(classifier.samples))
    return buffer.getvalue()


def main() -> None:
    """Write the seed model's arrays (``python -m analytics.compact``)."""
    from analytics.suggest import seed_classifier

    classifier = seed_classifier()
    SEED_MODEL.write_bytes(export(classifier))
    print(f"{SEED_MODEL}: version {classifier.version}, {SEED_MODEL.stat().st_size // 1024} kB")


if __name__ == "__main__":
    main()
