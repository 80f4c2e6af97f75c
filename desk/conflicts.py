"""A save refused because someone else changed the ticket first: what the agent typed is
kept, and each text field shows how it differs from what is stored now."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Difference:
    field: str
    label: str
    stored: str
    typed: str
    # (kind, text) pieces: "same", "added" (typed, not stored), "removed" (stored only).
    pieces: tuple[tuple[str, str], ...]


def _pieces(stored: str, typed: str) -> tuple[tuple[str, str], ...]:
    """A word-level diff: people edit sentences, and a line diff of a paragraph says
    only that the whole paragraph changed."""
    a, b = stored.split(), typed.split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("added", " ".join(b[j1:j2])))
    return tuple(out)


def differences(fields: Mapping[str, tuple[str, str | None]],
                typed: Mapping[str, str]) -> list[Difference]:
    """For each text field ``name -> (label, stored value)`` the agent typed into, how
    the typed text differs from the stored one; fields typed the same are left out."""
    found = []
    for name, (label, stored) in fields.items():
        if name not in typed:
            continue
        mine, theirs = (typed.get(name) or "").strip(), (stored or "").strip()
        if mine.split() == theirs.split():
            continue
        found.append(Difference(name, label, theirs, mine, _pieces(theirs, mine)))
    return found
