"""Every kind of outbox event the code writes has an Indonesian label (notify.names), so the
console never shows ``rejected``, ``needs_info`` or ``early_warning`` to an operator.

The kinds are found in the source, where they are written: the ``event=`` of a call, the
event argument of a reporter notice or of a message to a pokja or partner, the status
table of the caller's messages and module constants named ``EVENT``. An f-string counts
with a row id where it has a placeholder (``f"mitra#{req.id}"`` -> ``mitra#0``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from notify.compose import CALLER_EVENTS
from notify.names import EVENT_LABELS, event_kind, event_label

ROOT = Path(__file__).resolve().parents[2]
# The product's packages (a folder with __init__.py), never a virtualenv beside them.
PRODUCT = [p for package in ROOT.glob("*/__init__.py")
           if package.parent.name not in {"tests", "benchmarks", "devtools", "migrations"}
           for p in package.parent.rglob("*.py")]
# Calls whose positional argument at this index is the outbox event.
EVENT_ARGUMENT = {"ReporterNotice": 5, "_to_pokja": 2, "_to_partner": 2}
# Variables that hold an event before it is passed on, by module (else ``EVENT``).
NAMED = {"compose.py": ("EVENT", "event", "seq")}


def _text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "0" for v in node.values)
    return None


def _written_events() -> set[str]:
    found: set[str] = set()
    for path in PRODUCT:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                values = [k.value for k in node.keywords if k.arg == "event"]
                if name in EVENT_ARGUMENT and len(node.args) > EVENT_ARGUMENT[name]:
                    values.append(node.args[EVENT_ARGUMENT[name]])
                found |= {t for v in values if (t := _text(v))}
            elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id in NAMED.get(path.name, ("EVENT",))
                    for t in node.targets):
                # A string or an f-string assigned, or either branch of a conditional.
                for value in ast.walk(node.value):
                    if isinstance(value, ast.Constant | ast.JoinedStr) and (t := _text(value)):
                        found.add(t)
    return found | set(CALLER_EVENTS.values())


def test_the_source_scan_finds_the_kinds_an_operator_asked_about():
    kinds = {event_kind(e) for e in _written_events()}
    assert {"rejected", "needs_info", "early_warning", "reopened", "attachment-failed",
            "mitra-ingat", "monthly_report", "digest"} <= kinds


@pytest.mark.parametrize("event", sorted(_written_events()))
def test_every_event_written_has_an_indonesian_label(event):
    assert event_kind(event) in EVENT_LABELS, f"{event!r} has no label in notify.names"


@pytest.mark.parametrize(("event", "label"), [
    ("rejected", "Ditolak"),
    ("needs_info#2", "Perlu informasi (ke-2)"),
    ("early_warning", "Peringatan dini"),
    ("reopened#3", "Dibuka kembali (ke-3)"),
    ("sla_warning@05-06-2026", "Peringatan batas tindak lanjut (05-06-2026)"),
    ("attachment-12-failed", "Lampiran tidak dapat diterima"),
    ("mitra-ingat#4@05-06-2026", "Pengingat ke lembaga mitra (05-06-2026)"),
    ("draft#7", "Jawaban menunggu persetujuan"),
])
def test_an_event_reads_as_words_with_its_count_or_date(event, label):
    assert event_label(event) == label
