"""Whisper engine through faster-whisper (CTranslate2), int8 on CPU."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from speech.audio import load_audio
from speech.types import EngineError, Transcript, Word

WHISPER_SAMPLE_RATE = 16000
REQUIRED_FILES = ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt")
# How a domain vocabulary reaches the decoder. On the dev set every mode cost accuracy
# and speed ("prompt" least; long audio worst), so callers should pass a vocabulary only
# after measuring it on their own recordings. See docs/speech.md.
VocabularyMode = Literal["prompt", "hotwords", "both", "none"]
# Temperature fallback: re-decode a segment at a higher temperature when the greedy/beam
# result looks like a loop (compression ratio) or is very unlikely (log prob).
DEFAULT_TEMPERATURES: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def check_model_dir(model_dir: Path) -> None:
    """Raise a permanent EngineError naming the path unless it is a CTranslate2 Whisper dir."""
    if not model_dir.is_dir():
        raise EngineError(
            f"Whisper model directory {model_dir} does not exist; "
            "run `hotline models install whisper-base` or pass a model directory.",
            transient=False,
        )
    missing = [name for name in REQUIRED_FILES if not (model_dir / name).is_file()]
    if missing:
        raise EngineError(
            f"Whisper model directory {model_dir} is incomplete (missing {', '.join(missing)}).",
            transient=False,
        )


def vocabulary_prompt(vocabulary: Sequence[str]) -> str:
    """An Indonesian, punctuated prompt: it also nudges Whisper towards written style."""
    return "Pengaduan warga tentang " + ", ".join(vocabulary) + "."


class WhisperEngine:
    name = "whisper"

    def __init__(
        self,
        model_path: str | os.PathLike[str],
        *,
        language: str = "id",
        beam_size: int = 5,
        vad: bool = True,
        vocabulary: Sequence[str] = (),
        max_audio_seconds: float = 900.0,
        threads: int = 0,
        vocabulary_mode: VocabularyMode = "prompt",
        condition_on_previous_text: bool = False,
        temperatures: Sequence[float] = DEFAULT_TEMPERATURES,
    ) -> None:
        model_dir = Path(model_path)
        check_model_dir(model_dir)
        self.model = model_dir.name
        self.language = language
        self.beam_size = beam_size
        self.vad = vad
        self.max_audio_seconds = max_audio_seconds
        self.condition_on_previous_text = condition_on_previous_text
        self.temperatures = tuple(temperatures)
        words = [w.strip() for w in vocabulary if w.strip()]
        use_prompt = bool(words) and vocabulary_mode in ("prompt", "both")
        use_hotwords = bool(words) and vocabulary_mode in ("hotwords", "both")
        self.initial_prompt = vocabulary_prompt(words) if use_prompt else None
        self.hotwords = " ".join(words) if use_hotwords else None

        from faster_whisper import WhisperModel

        try:
            self._model = WhisperModel(
                str(model_dir), device="cpu", compute_type="int8", cpu_threads=threads
            )
        except MemoryError as exc:
            raise EngineError(
                f"Out of memory loading the Whisper model in {model_dir}.", transient=True
            ) from exc
        except (RuntimeError, ValueError, OSError) as exc:
            raise EngineError(
                f"Cannot load the Whisper model in {model_dir}: {exc}", transient=False
            ) from exc
        # CTranslate2 models are thread-safe, but one decode at a time per engine keeps
        # memory predictable; scale with processes, not threads.
        self._lock = threading.Lock()

    def transcribe(self, path: str | os.PathLike[str]) -> Transcript:
        started = time.perf_counter()
        audio = load_audio(
            path, sample_rate=WHISPER_SAMPLE_RATE, max_seconds=self.max_audio_seconds
        )
        try:
            with self._lock:
                segments, _info = self._model.transcribe(
                    audio.float32(),
                    language=self.language,
                    beam_size=self.beam_size,
                    word_timestamps=True,
                    vad_filter=self.vad,
                    condition_on_previous_text=self.condition_on_previous_text,
                    temperature=list(self.temperatures),
                    initial_prompt=self.initial_prompt,
                    hotwords=self.hotwords,
                )
                # The segments are a lazy generator: the decoding happens here.
                decoded = list(segments)
        except MemoryError as exc:
            raise EngineError("Whisper ran out of memory.", transient=True) from exc
        except (RuntimeError, OSError) as exc:
            raise EngineError(f"Whisper failed: {exc}", transient=True) from exc

        words: list[Word] = []
        for segment in decoded:
            for w in segment.words or []:
                token = w.word.strip()
                if not token:
                    continue
                start = max(0.0, min(float(w.start), audio.seconds))
                end = max(start, min(float(w.end), audio.seconds))
                prob = min(1.0, max(0.0, float(w.probability)))
                words.append(Word(word=token, start=start, end=end, confidence=prob))
        text = " ".join(t for s in decoded if (t := s.text.strip()))
        return Transcript(
            text=text,
            words=words,
            confidence=_duration_weighted(words),
            language=self.language,
            engine=self.name,
            model=self.model,
            audio_seconds=audio.seconds,
            processing_seconds=time.perf_counter() - started,
        )


def _duration_weighted(words: Sequence[Word]) -> float:
    """Mean word probability weighted by duration (a long misheard word weighs more)."""
    if not words:
        return 0.0
    total = sum(w.end - w.start for w in words)
    if total <= 0:
        return sum(w.confidence for w in words) / len(words)
    return sum(w.confidence * (w.end - w.start) for w in words) / total
