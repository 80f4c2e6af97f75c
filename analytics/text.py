"""Indonesian text normalisation: lower case, no punctuation, affixes, recognition errors.

A token keeps its place in the original text (for highlighting) beside three forms:
``norm`` (lower case, letters and digits), ``base`` (``norm`` without the inflectional
suffixes -nya, -lah, -kah, -pun, -ku, -mu) and ``stem`` (PySastrawi's root, which also
removes derivational affixes: ``kebanjiran`` -> ``banjir``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz.distance import Levenshtein

# Shorter words are never matched approximately: at four letters one wrong letter is
# another word too often (desa/dusa, api/apa). Measured in tests/analytics/test_text.py.
FUZZY_MIN_LENGTH = 5
_WORD = re.compile(r"[0-9a-z]+(?:['’][0-9a-z]+)?")
_INFLECTIONS = ("nya", "lah", "kah", "pun", "ku", "mu")


@cache
def _stemmer():  # type: ignore[no-untyped-def]
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@cache
def dictionary() -> frozenset[str]:
    """PySastrawi's Indonesian root words (about 30,000)."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return frozenset(StemmerFactory().get_words())


@cache
def stop_words() -> frozenset[str]:
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    return frozenset(StopWordRemoverFactory().get_stop_words())


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The root of a lower-case word; a word the stemmer cannot read stays as it is."""
    if not word.isalpha() or len(word) < 4:
        return word
    return str(_stemmer().stem(word)) or word


def base(word: str) -> str:
    """``word`` without an inflectional suffix (``banjirnya`` -> ``banjir``), when what is
    left is still a word of three letters or more."""
    for suffix in _INFLECTIONS:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@dataclass(frozen=True)
class Token:
    norm: str
    base: str
    stem: str
    start: int  # character offsets in the original text
    end: int


def normalise(text: str) -> str:
    """Lower case, apostrophes kept inside words, everything else not a letter or digit
    a space; hyphens split (``rumah-rumah``, ``antar-desa``)."""
    return " ".join(m.group(0) for m in _WORD.finditer(text.lower()))


def tokens(text: str) -> list[Token]:
    out = []
    for m in _WORD.finditer(text.lower()):
        word = m.group(0).replace("’", "'")
        b = base(word)
        out.append(Token(word, b, stem(word), m.start(), m.end()))
    return out


def is_word(word: str) -> bool:
    """A root word of the dictionary, possibly with an inflectional suffix (``gempar``,
    ``wajahnya``), so not a misheard one. Derived forms are not looked up: the stemmer
    reads a misheard ``tauran`` as ``taur`` + ``-an``, and it would never match."""
    return word in dictionary() or base(word) in dictionary()


def near(heard: str, wanted: str) -> bool:
    """``heard`` is ``wanted`` with one letter wrong, missing or extra, as a recogniser
    writes it: both at least ``FUZZY_MIN_LENGTH`` long, and ``heard`` is not a real word
    of its own (``gempar`` is not a misheard ``gempa``, ``wajah`` not ``wabah``)."""
    if heard == wanted:
        return True
    if len(wanted) < FUZZY_MIN_LENGTH or len(heard) < FUZZY_MIN_LENGTH:
        return False
    if abs(len(heard) - len(wanted)) > 1:
        return False
    if Levenshtein.distance(heard, wanted, score_cutoff=1) > 1:
        return False
    return not is_word(heard)


def content_words(text: str) -> frozenset[str]:
    """The roots of a text's words without stop words and numbers: what two complaints
    about the same thing share (duplicates)."""
    stops = stop_words()
    return frozenset(t.stem for t in tokens(text)
                     if len(t.norm) > 2 and not t.norm.isdigit() and t.norm not in stops
                     and t.stem not in stops)
