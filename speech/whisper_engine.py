"""Whisper engine through faster-whisper (CTranslate2), int8 on CPU."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from speech.audio import load_audio
from speech.types import EngineError, Transcript, Word

WHISPER_SAMPLE_RATE = 16000
REQUIRED_FILES = ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt")
# How a domain vocabulary reaches the decoder. On the dev set every mode cost accuracy
# and speed ("prompt" least; long audio worst), so callers should pass a vocabulary only
# after measuring it on their own recordings. See docs/speech.md.
VocabularyMode = Literal["prompt", "hotwords", "both", "none"]
# Decoding temperatures. The default is temperature 0 alone: beam search, no sampling, so
# the same recording on the same machine always gives the same transcript. Whisper's usual
# temperature fallback (FALLBACK_TEMPERATURES, opt-in) re-decodes a window by *sampling*
# at rising temperatures when the beam result looks like a loop (compression ratio) or is
# very unlikely (log prob). On the dev set it changed nothing (same WER/CER, clean and
# telephone, short and joined); on synthetic speech it fired often, varied from run to
# run and was worse on average. CTranslate2 seeds its sampler once per thread, so it
# cannot be made repeatable per recording either. See docs/speech.md.
DEFAULT_TEMPERATURES: tuple[float, ...] = (0.0,)
FALLBACK_TEMPERATURES: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
# The loop guard that replaces the sampling fallback, deterministic: when a decoded window
# compresses better than LOOP_COMPRESSION_RATIO (faster-whisper's own "too repetitive"
# threshold; "naik naik naik ..." or "TERGENANANAN..." scores 3 to 12, speech 1.1 to
# 1.8), the whole recording is decoded again with each of LOOP_GUARDS in turn until one
# result is neither empty nor looping; the least repetitive non-empty result is kept.
# Without it, temperature 0 looped on synthetic complaints under some CPUs' arithmetic.
# Two guards because each alone failed once in 13 CPU configurations (the penalty once
# heard nothing at all). On every decode they would cost accuracy (dev set, joined
# telephone: WER 22.2 -> 24.3 and 27.1 %), so they are only a fallback.
LOOP_COMPRESSION_RATIO = 2.4
LOOP_GUARDS: tuple[dict[str, Any], ...] = (
    {"repetition_penalty": 1.2},
    {"no_repeat_ngram_size": 3},
)


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
        loop_guard: bool = True,
    ) -> None:
        model_dir = Path(model_path)
        check_model_dir(model_dir)
        self.model = model_dir.name
        self.language = language
        self.beam_size = beam_size
        self.vad = vad
        self.max_audio_seconds = max_audio_seconds
        self.condition_on_previous_text = condition_on_previous_text
        self.temperatures = tuple(float(t) for t in temperatures)
        if not self.temperatures or not all(0.0 <= t <= 1.0 for t in self.temperatures):
            raise ValueError(f"temperatures must be 1+ values in [0, 1], got {temperatures!r}")
        self.loop_guard = loop_guard
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

    def _decode(self, samples: Any, **options: Any) -> list[Any]:
        segments, _info = self._model.transcribe(
            samples,
            language=self.language,
            beam_size=self.beam_size,
            word_timestamps=True,
            vad_filter=self.vad,
            condition_on_previous_text=self.condition_on_previous_text,
            temperature=list(self.temperatures),
            initial_prompt=self.initial_prompt,
            hotwords=self.hotwords,
            **options,
        )
        # The segments are a lazy generator: the decoding happens here.
        return list(segments)

    def transcribe(self, path: str | os.PathLike[str]) -> Transcript:
        started = time.perf_counter()
        audio = load_audio(
            path, sample_rate=WHISPER_SAMPLE_RATE, max_seconds=self.max_audio_seconds
        )
        samples = audio.float32()
        decoded_at = time.perf_counter()
        try:
            with self._lock:
                decoded = self._decode(samples)
                if self.loop_guard and _loops(decoded):
                    candidates = [decoded]
                    for options in LOOP_GUARDS:
                        candidates.append(self._decode(samples, **options))
                        if candidates[-1] and not _loops(candidates[-1]):
                            break
                    # Non-empty first, then the least repetitive; the first of equals.
                    decoded = min(candidates, key=lambda c: (not c, _repetitiveness(c)))
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
            decode_seconds=decoded_at - started,
        )


def _repetitiveness(segments: Sequence[Any]) -> float:
    """The highest compression ratio of any decoded window (0 when nothing was heard)."""
    return max((float(s.compression_ratio) for s in segments), default=0.0)


def _loops(segments: Sequence[Any]) -> bool:
    return _repetitiveness(segments) > LOOP_COMPRESSION_RATIO


def _duration_weighted(words: Sequence[Word]) -> float:
    """Mean word probability weighted by duration (a long misheard word weighs more)."""
    if not words:
        return 0.0
    total = sum(w.end - w.start for w in words)
    if total <= 0:
        return sum(w.confidence for w in words) / len(words)
    return sum(w.confidence * (w.end - w.start) for w in words) / total
