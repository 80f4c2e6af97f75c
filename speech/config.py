"""The speech settings (docs/speech.md): each field is the variable ``SPEECH_<FIELD>``.

Read once by the composition root (``hotline.settings``); a worker loads its engine
from them with :meth:`SpeechSettings.load_engine`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from speech import load_engine
from speech.types import Engine


class SpeechSettings(BaseModel):
    model_config = ConfigDict(frozen=True, alias_generator=lambda name: f"SPEECH_{name.upper()}")

    # "none": every recording waits for an operator to type it.
    engine: Literal["whisper", "vosk", "none"] = "whisper"
    # A model directory; None: the engine's default (whisper-base, the Korean Vosk model).
    model: str | None = None
    beam_size: int = Field(5, ge=1, le=10)
    vad: bool = True
    # 0: as many as the CPU has.
    threads: int = Field(0, ge=0, le=64)
    # Words the recogniser is prompted with, comma-separated. Opt-in: on human telephone
    # speech a prompt of category names cost accuracy (docs/speech.md).
    vocabulary: tuple[str, ...] = ()
    max_audio_seconds: int = Field(900, ge=10, le=7200)

    @field_validator("vocabulary", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(word.strip() for word in value.split(",") if word.strip())
        return value

    def load_engine(self) -> Engine:
        """Load the model (the expensive part): once per worker process."""
        return load_engine(self.engine, self.model, beam_size=self.beam_size, vad=self.vad,
                           vocabulary=self.vocabulary, threads=self.threads,
                           max_audio_seconds=self.max_audio_seconds)
