"""Real engines, real audio: Indonesian speech is synthesised with espeak-ng per session."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from speech import Engine, install_whisper_base, load_engine
from speech.models import default_whisper_dir
from tests.speech.corpus import Heard, hear, synthesise, to_telephone

Say = Callable[[str], Path]
Telephone = Callable[..., Path]


def pytest_configure(config: pytest.Config) -> None:
    # Until pyproject.toml registers it: markers = ["slow: ..."]
    config.addinivalue_line("markers", "slow: takes several seconds (still runs by default)")


@pytest.fixture(scope="session")
def whisper_dir() -> Path:
    """whisper-base in <repo>/models/whisper-base, installed once (install is idempotent)."""
    return install_whisper_base(default_whisper_dir())


# Temperature 0 only (no sampling fallback): the tests' decoding is deterministic on any
# one CPU. Explicit, so the tests do not change with the product default.
TEST_TEMPERATURES = (0.0,)


@pytest.fixture(scope="session")
def whisper(whisper_dir: Path) -> Engine:
    return load_engine("whisper", str(whisper_dir), threads=2, temperatures=TEST_TEMPERATURES)


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
        return synthesise(text, audio_dir)

    return _say


@pytest.fixture(scope="session")
def telephone() -> Callable[..., Path]:
    """Convert a file to telephone audio: `telephone(path, suffix=".wav", codec=...)`."""
    return to_telephone


@pytest.fixture(scope="session")
def heard(whisper: Engine, say: Say) -> Callable[[str], Heard]:
    """`heard(channel)`: the corpus as the test engine hears it, decoded once per session."""
    cache: dict[str, Heard] = {}

    def _heard(channel: str) -> Heard:
        if channel not in cache:
            cache[channel] = hear(whisper, channel, say)
        return cache[channel]

    return _heard
