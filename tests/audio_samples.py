"""Small audio bodies for the recording tests: real WAV, MP3 and Ogg Opus, and the
things a hostile or broken server might send instead."""

from __future__ import annotations

import io
import math
import shutil
import struct
import subprocess
import wave
from pathlib import Path

import pytest

HTML = (b"<!doctype html><html><body><h1>Login</h1>"
        b"<script>fetch('/console/admin/pengguna')</script></body></html>")


def wav_bytes(seconds: float, rate: int = 8000) -> bytes:
    """A 16-bit mono telephone WAV holding a tone (so it is not silence)."""
    frames = int(seconds * rate)
    samples = b"".join(struct.pack("<h", int(8000 * math.sin(i * 0.3))) for i in range(frames))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples)
    return out.getvalue()


def header_only_wav() -> bytes:
    """A WAV header announcing 8 kHz mono and no samples at all."""
    return wav_bytes(0)


def encode(wav: Path, target: Path, *codec: str) -> Path:
    """``wav`` re-encoded by ffmpeg (``-b:a 32k`` for MP3, ``-c:a libopus`` for Opus)."""
    if shutil.which("ffmpeg") is None:
        pytest.fail("ffmpeg is needed: run `make deps`")
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), *codec, str(target)],
                   check=True)
    return target
