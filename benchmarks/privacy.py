"""How well the anonim mask finds a caller's self-identification (``tickets.privacy``).

Reads the labelled texts in ``tests/tickets/data`` (the dev part the finder was tuned on,
the held-out part it never was) and prints, for each part, precision and recall over the
words that identify the caller (a word counts as found when a masked span covers it), the
share of identifying texts masked completely, and the near misses masked by mistake.

    python -m benchmarks.privacy [--errors]
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from pathlib import Path

from tickets.privacy import find_self_identification

DATA = Path(__file__).resolve().parent.parent / "tests" / "tickets" / "data"
DEV = DATA / "self_identification_dev.txt"
HELD_OUT = DATA / "self_identification_heldout.txt"
_MARK = re.compile(r"\[\[(.+?)\]\]")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Labelled:
    text: str
    gold: tuple[tuple[int, int], ...]  # character spans marked [[...]]


def parse(line: str) -> Labelled:
    """One line of a labelled file: ``\\n`` is a line break, ``[[...]]`` a gold span."""
    line = line.replace("\\n", "\n")
    text, gold, pos = "", [], 0
    for m in _MARK.finditer(line):
        text += line[pos:m.start()]
        gold.append((len(text), len(text) + len(m.group(1))))
        text += m.group(1)
        pos = m.end()
    return Labelled(text + line[pos:], tuple(gold))


def load(path: Path) -> list[Labelled]:
    return [parse(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def _words(text: str, spans: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> set[int]:
    """The start offsets of the words of ``text`` that ``spans`` cover."""
    return {m.start() for m in _WORD.finditer(text)
            if any(s <= m.start() and m.end() <= e for s, e in spans)}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    texts: int = 0
    identifying: int = 0
    fully_masked: int = 0
    near_misses: int = 0
    near_misses_masked: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score(items: list[Labelled]) -> Score:
    s = Score()
    for item in items:
        found = [(sp.start, sp.end) for sp in find_self_identification(item.text)]
        gold, got = _words(item.text, item.gold), _words(item.text, found)
        s.tp += len(gold & got)
        s.fp += len(got - gold)
        s.fn += len(gold - got)
        s.texts += 1
        if item.gold:
            s.identifying += 1
            s.fully_masked += gold <= got
        else:
            s.near_misses += 1
            s.near_misses_masked += bool(got)
        if gold != got:
            shown = " | ".join(item.text[a:b] for a, b in found) or "-"
            s.errors.append(f"{item.text!r}\n    masked: {shown}")
    return s


def report(show_errors: bool = False) -> dict[str, Score]:
    results = {"dev": score(load(DEV)), "held-out": score(load(HELD_OUT))}
    print(f"{'part':<9} {'texts':>5} {'precision':>9} {'recall':>6} "
          f"{'fully masked':>13} {'near misses masked':>19}")
    for name, s in results.items():
        print(f"{name:<9} {s.texts:>5} {s.precision:>9.3f} {s.recall:>6.3f} "
              f"{s.fully_masked:>6}/{s.identifying:<6} "
              f"{s.near_misses_masked:>9}/{s.near_misses:<9}")
    if show_errors:
        for name, s in results.items():
            print(f"\n{name}: {len(s.errors)} texts not masked exactly")
            for e in s.errors:
                print("  " + e)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", action="store_true", help="list the texts missed")
    report(parser.parse_args().errors)


if __name__ == "__main__":
    main()
