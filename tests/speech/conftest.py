"""Real engines, real audio: Indonesian speech is synthesised with espeak-ng per session."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from speech import Engine, install_whisper_base, load_engine
from speech.audio import ffmpeg_binary
from speech.models import default_whisper_dir

Say = Callable[[str], Path]
Telephone = Callable[..., Path]


def pytest_configure(config: pytest.Config) -> None:
    # Until pyproject.toml registers it: markers = ["slow: ..."]
    config.addinivalue_line("markers", "slow: takes several seconds (still runs by default)")


@pytest.fixture(scope="session")
def whisper_dir() -> Path:
    """whisper-base in <repo>/models/whisper-base, installed once (install is idempotent)."""
    return install_whisper_base(default_whisper_dir())


@pytest.fixture(scope="session")
def whisper(whisper_dir: Path) -> Engine:
    return load_engine("whisper", str(whisper_dir), threads=2)


@pytest.fixture(scope="session")
def vosk() -> Engine:
    return load_engine("vosk")


@pytest.fixture(scope="session")
def audio_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audio")


@pytest.fixture(scope="session")
def say(audio_dir: Path) -> Say:
    """Synthesise Indonesian speech to a 22 kHz WAV (cached per sentence)."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed; run `make deps` (apt-get install espeak-ng).")

    def _say(text: str) -> Path:
        path = audio_dir / (text.replace(" ", "_")[:60] + ".wav")
        if not path.exists():
            # 120 words/min: espeak's default 175 is faster than any caller speaks.
            subprocess.run(
                ["espeak-ng", "-v", "id", "-s", "120", "-w", str(path), text], check=True
            )
        return path

    return _say


@pytest.fixture(scope="session")
def telephone() -> Callable[..., Path]:
    """Convert a file to telephone audio: `telephone(path, suffix=".wav", codec=...)`."""
    return to_telephone


def to_telephone(src: Path, suffix: str = ".wav", codec: str = "pcm_s16le") -> Path:
    """8 kHz mono, as Twilio delivers recordings (RecordingUrl + .wav or .mp3)."""
    dst = src.with_name(f"{src.stem}.8k.{codec}{suffix}")
    if not dst.exists():
        cmd = [
            ffmpeg_binary(),
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(src),
            "-ar",
            "8000",
            "-ac",
            "1",
        ]
        if suffix == ".wav":
            cmd += ["-acodec", codec]
        subprocess.run([*cmd, str(dst)], check=True)
    return dst
