"""The seed routing model stored as arrays ranks exactly as the scikit-learn pipeline it
was exported from, and the shipped file is the one the seed corpus trains today."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analytics.compact import SEED_MODEL, CompactModel, char_wb_ngrams, export, word_ngrams
from analytics.suggest import Classifier, seed_classifier

LABELLED = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "complaints-labelled.csv"


@pytest.fixture(scope="module")
def seed() -> Classifier:
    return seed_classifier()


def test_the_shipped_arrays_are_the_seed_corpus_model(seed: Classifier) -> None:
    shipped = CompactModel.load()
    assert shipped.version == seed.version, (
        f"{SEED_MODEL.name} is stale: run `python -m analytics.compact`")
    assert shipped.labels == seed.labels and shipped.samples == seed.samples


def test_the_arrays_rank_every_labelled_text_as_the_pipeline(seed: Classifier) -> None:
    compact = CompactModel.load()
    with LABELLED.open(encoding="utf-8") as f:
        texts = [r["text"] for r in csv.DictReader(f)]
    texts += ["", "a", "JALAN!!! rusak...", "   banyak   spasi   ", "kata-kata ber-tanda hubung"]
    for text in texts:
        expected, got = seed.rank(text), compact.rank(text)
        assert [r.label for r in got] == [r.label for r in expected], text
        assert [r.probability for r in got] == pytest.approx(
            [r.probability for r in expected], abs=1e-4), text


def test_a_model_trained_on_other_texts_exports_and_ranks_the_same(tmp_path: Path) -> None:
    texts = ["jalan rusak parah", "jembatan putus", "sampah menumpuk di pasar",
             "sampah tidak diangkut", "guru sering tidak hadir", "sekolah kekurangan guru"]
    labels = ["jalan", "jalan", "sampah", "sampah", "sekolah", "sekolah"]
    model = Classifier.train(texts, labels)
    path = tmp_path / "m.npz"
    path.write_bytes(export(model))
    compact = CompactModel.load(path)
    for text in ["jalan di desa rusak", "sampah", "guru tidak datang", "xyz"]:
        assert [r.label for r in compact.rank(text)] == [r.label for r in model.rank(text)]


def test_the_n_grams_are_scikit_learns() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

    from analytics.suggest import normalise

    text = "Jalan  rusak, di-desa a ok!"
    words = TfidfVectorizer(preprocessor=normalise, ngram_range=(1, 2)).build_analyzer()
    chars = TfidfVectorizer(preprocessor=normalise, analyzer="char_wb",
                            ngram_range=(2, 5)).build_analyzer()
    assert word_ngrams(text) == words(text)
    assert char_wb_ngrams(text) == chars(text)
