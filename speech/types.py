"""Plain data and errors shared by the engines.

Callers (a Celery task, the CLI, the benchmark) see only these types, never an engine's
own result objects, so an engine can be swapped without touching them.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol

AudioReason = Literal["empty", "silent", "corrupt", "too_long", "unsupported"]
AUDIO_REASONS: frozenset[str] = frozenset({"empty", "silent", "corrupt", "too_long", "unsupported"})


@dataclass(frozen=True)
class Word:
    word: str
    start: float
    end: float
    confidence: float


@dataclass(frozen=True)
class Transcript:
    text: str
    words: list[Word]
    confidence: float
    language: str
    engine: str
    model: str
    audio_seconds: float
    processing_seconds: float
    # Of processing_seconds, the part spent reading and converting the file (not the model).
    decode_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-able plain data (floats, strings, a list of word dicts)."""
        return asdict(self)


class SpeechError(Exception):
    """Base of everything this package raises on purpose."""


class AudioError(SpeechError):
    """The input itself is unusable; retrying the same file cannot help."""

    def __init__(self, reason: AudioReason, message: str) -> None:
        if reason not in AUDIO_REASONS:
            raise ValueError(f"unknown audio error reason {reason!r}")
        super().__init__(message)
        self.reason: AudioReason = reason


class EngineError(SpeechError):
    """The engine failed. `transient` says whether a retry may succeed.

    A missing model directory is a configuration error (transient=False); running out
    of memory or an I/O hiccup while decoding is worth a retry (transient=True).
    """

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


class Engine(Protocol):
    name: str
    model: str

    def transcribe(self, path: str | os.PathLike[str]) -> Transcript: ...
