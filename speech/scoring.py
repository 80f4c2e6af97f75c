"""Word and character error rates with a plain Levenshtein distance (no extra dependency)."""

from __future__ import annotations

from collections.abc import Sequence


def edit_distance(ref: Sequence[str], hyp: Sequence[str]) -> int:
    """Minimum substitutions + insertions + deletions turning `ref` into `hyp`."""
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        current = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, start=1):
            current[j] = min(
                previous[j] + 1,  # deletion
                current[j - 1] + 1,  # insertion
                previous[j - 1] + (r != h),  # substitution or match
            )
        previous = current
    return previous[-1]


def word_errors(ref: str, hyp: str) -> tuple[int, int]:
    """(errors, reference words) for already normalised texts."""
    r = ref.split()
    return edit_distance(r, hyp.split()), len(r)


def char_errors(ref: str, hyp: str) -> tuple[int, int]:
    """(errors, reference characters), spaces collapsed to one and counted."""
    r = " ".join(ref.split())
    return edit_distance(r, " ".join(hyp.split())), len(r)
