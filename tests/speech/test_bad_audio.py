from __future__ import annotations

import random
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from speech import AudioError, Engine, load_engine
from speech.audio import load_audio

Say = Callable[[str], Path]


def write_wav(path: Path, samples: np.ndarray, rate: int = 8000) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype("<i2").tobytes())
    return path


def expect(engine: Engine, path: Path, reason: str) -> AudioError:
    with pytest.raises(AudioError) as info:
        engine.transcribe(path)
    assert info.value.reason == reason, str(info.value)
    assert str(info.value)  # a human message
    return info.value


# Loading a model makes these `slow` (not in `make test-quick`).
@pytest.fixture(params=[pytest.param("whisper", marks=pytest.mark.slow),
                        pytest.param("vosk", marks=pytest.mark.slow)])
def engine(request: pytest.FixtureRequest) -> Engine:
    engine: Engine = request.getfixturevalue(request.param)
    return engine


def test_a_zero_byte_file_is_empty(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "rec.wav"
    path.write_bytes(b"")
    expect(engine, path, "empty")


def test_a_missing_file_is_empty(engine: Engine, tmp_path: Path) -> None:
    expect(engine, tmp_path / "never-downloaded.mp3", "empty")


def test_random_bytes_are_corrupt(engine: Engine, tmp_path: Path) -> None:
    junk = random.Random(7).randbytes(20_000)
    for name in ("rec.wav", "rec.mp3", "rec"):
        (tmp_path / name).write_bytes(junk)
        expect(engine, tmp_path / name, "corrupt")


def test_a_truncated_wav_is_corrupt(engine: Engine, say: Say, tmp_path: Path) -> None:
    whole = say("lampu jalan mati sejak minggu lalu").read_bytes()
    half = tmp_path / "half.wav"
    half.write_bytes(whole[: len(whole) // 2])
    error = expect(engine, half, "corrupt")
    assert "truncated" in str(error)
    header_only = tmp_path / "header.wav"
    header_only.write_bytes(whole[:30])
    expect(engine, header_only, "corrupt")


def test_pure_silence_is_silent(engine: Engine, tmp_path: Path) -> None:
    expect(engine, write_wav(tmp_path / "zeros.wav", np.zeros(8000 * 5)), "silent")


def test_faint_line_noise_is_silent(engine: Engine, tmp_path: Path) -> None:
    noise = np.random.default_rng(3).normal(0, 32768 * 10 ** (-65 / 20), 8000 * 5)
    expect(engine, write_wav(tmp_path / "hiss.wav", noise), "silent")


@pytest.mark.slow
def test_an_over_long_recording_is_too_long(say: Say) -> None:
    engine = load_engine("vosk", max_audio_seconds=1.0)
    error = expect(engine, say("lampu jalan mati sejak minggu lalu"), "too_long")
    assert "limit" in str(error)


def test_a_quiet_but_real_recording_is_accepted(say: Say, tmp_path: Path) -> None:
    audio = load_audio(say("lampu jalan mati"), sample_rate=16000)
    # 25 dB below espeak's level: a soft-spoken caller on a bad line, not silence.
    quiet = (audio.samples.astype(np.float64) * 10 ** (-25 / 20)).astype(np.int16)
    assert load_audio(write_wav(tmp_path / "quiet.wav", quiet, 16000)).seconds > 1.0
