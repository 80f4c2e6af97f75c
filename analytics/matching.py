"""Finding words and phrases in a text, tolerant of how a recogniser writes them.

A phrase is a list of words. A word matches a token when it is the same word, the same
word with an inflectional suffix (``banjirnya``), a misheard form one letter off
(:func:`analytics.text.near`), or, when the word was written as a root (``banjir``,
``bentrok``), any derived form of that root (``kebanjiran``, ``bentrokan``). A word written
in a derived form (``kebakaran``) matches only that form, so ``kebakaran`` (a fire) and
``pembakaran`` (arson), which share the root ``bakar``, stay apart. Within a phrase the
text may write two words as one or one as two (``antarwarga`` / ``antar warga``), and up
to ``MAX_GAP`` other words may stand between two words of the phrase (``jembatan yang
putus``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

from analytics.text import Token, normalise, stem, tokens
from analytics.text import near as _near

MAX_GAP = 2


@dataclass(frozen=True)
class Word:
    norm: str
    root: bool  # written as its own root: derived forms match too


@dataclass(frozen=True)
class Phrase:
    text: str  # as the admin wrote it, normalised
    words: tuple[Word, ...]


@lru_cache(maxsize=20_000)
def phrase(text: str, *, derived: bool = True) -> Phrase | None:
    """A phrase from an admin's text; None when it holds no word. ``derived=False``
    (place names) never matches derived forms."""
    norm = normalise(text)
    if not norm:
        return None
    words = tuple(Word(w, derived and stem(w) == w) for w in norm.split())
    return Phrase(norm, words)


def phrases(lines: Iterable[str], *, derived: bool = True) -> list[Phrase]:
    out = []
    for line in lines:
        p = phrase(line, derived=derived)
        if p is not None:
            out.append(p)
    return out


def _same(heard: str, wanted: str) -> bool:
    return heard == wanted or _near(heard, wanted)


def word_matches(t: Token, w: Word) -> bool:
    if _same(t.norm, w.norm) or _same(t.base, w.norm):
        return True
    return w.root and t.stem == w.norm


def _match_at(toks: Sequence[Token], i: int, p: Phrase) -> int | None:
    """The end (exclusive) of ``p`` matched from token ``i``, or None."""
    words = p.words
    j, k = 0, i
    while j < len(words):
        matched = False
        # After the first word a few other words may stand between the phrase's words.
        for gap in range(1 if j == 0 else MAX_GAP + 1):
            at = k + gap
            if at >= len(toks):
                break
            t = toks[at]
            if word_matches(t, words[j]):
                j, k, matched = j + 1, at + 1, True
            elif at + 1 < len(toks) and _same(t.norm + toks[at + 1].base, words[j].norm):
                j, k, matched = j + 1, at + 2, True  # "antar warga" for "antarwarga"
            elif j + 1 < len(words) and _same(t.base, words[j].norm + words[j + 1].norm):
                j, k, matched = j + 2, at + 1, True  # "antarwarga" for "antar warga"
            if matched:
                break
        if not matched:
            return None
    return k


@dataclass(frozen=True)
class Hit:
    phrase: str  # the phrase as configured
    start: int  # token span [start, end)
    end: int
    heard: str  # the text as it stands there


def _starts(toks: Sequence[Token], wanted: Sequence[Phrase]) -> Any:
    """For each phrase and token, whether the phrase may start there: its first word is
    at most one edit from the token (as written, without suffix, or joined with the next
    one), its first two words joined are one edit from the token, or the token derives
    from its root. Computed for all pairs at once (rapidfuzz's cdist), so the exact test
    (:func:`_match_at`) runs only where a phrase can start: a gazetteer of 200 names
    over a transcript costs milliseconds, not a Python loop over every pair."""
    firsts = [p.words[0].norm for p in wanted]
    pairs = [p.words[0].norm + p.words[1].norm if len(p.words) > 1 else "\0" for p in wanted]
    joined = [t.norm + n.base for t, n in zip(toks, toks[1:], strict=False)] + ["\0"]

    def close(a: list[str], b: list[str]) -> Any:
        return cdist(a, b, scorer=Levenshtein.distance, score_cutoff=1, dtype=np.int8) <= 1

    starts = (close(firsts, [t.norm for t in toks]) | close(firsts, [t.base for t in toks])
              | close(firsts, joined) | close(pairs, [t.base for t in toks]))
    stems = np.array([t.stem for t in toks], dtype=object)
    for row, p in enumerate(wanted):
        if p.words[0].root:
            starts[row] |= stems == p.words[0].norm
    return starts


def find(text: str | Sequence[Token], wanted: Iterable[Phrase]) -> list[Hit]:
    """Every occurrence of each phrase in ``text`` (a string or its tokens)."""
    source = text if isinstance(text, str) else None
    toks = tokens(text) if isinstance(text, str) else list(text)
    phrases_ = list(wanted)
    if not toks or not phrases_:
        return []
    starts = _starts(toks, phrases_)
    hits = []
    for row, p in enumerate(phrases_):
        i = 0
        while i < len(toks):
            end = _match_at(toks, i, p) if starts[row, i] else None
            if end is None:
                i += 1
                continue
            heard = (source[toks[i].start:toks[end - 1].end] if source is not None
                     else " ".join(t.norm for t in toks[i:end]))
            hits.append(Hit(p.text, i, end, heard))
            i = end
    return hits
