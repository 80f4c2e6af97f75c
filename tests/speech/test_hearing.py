"""Empty hearing: a transcript of silence, noise, filler, subtitle hallucinations or a
decoding loop is not speech (``speech.hearing.no_speech``); a complaint is."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from speech import Engine
from speech.hearing import EMPTY, LOOP, NOISE, longest_loop, no_speech


@pytest.mark.parametrize("text", ["", "   ", "...", "[musik]", "(Musik)", "♪ ♪", "*tepuk tangan*"])
def test_nothing_but_tags_and_punctuation_is_empty(text: str) -> None:
    assert no_speech(text) == EMPTY


@pytest.mark.parametrize("text", [
    "eh", "Hmm... eh.", "ehm, halo? halo?", "Terima kasih.", "Terima kasih. Terima kasih.",
    "Terima kasih sudah menonton!", "Jangan lupa like dan subscribe", "[Musik] terima kasih",
    "ya ya ya", "Thank you for watching.", "Sampai jumpa di video berikutnya",
])
def test_filler_and_subtitle_hallucinations_are_noise(text: str) -> None:
    assert no_speech(text) == NOISE


@pytest.mark.parametrize("text", [
    "di desa kami di desa kami di desa kami di desa kami di desa kami",
    "Saya mau melapor. Saya mau melapor. Saya mau melapor. Saya mau melapor. Saya mau "
    "melapor. Saya mau melapor.",
    "jalan rusak terima kasih terima kasih terima kasih terima kasih terima kasih",
    "apa " * 12,
])
def test_a_decoding_loop_is_caught(text: str) -> None:
    assert no_speech(text) == LOOP


@pytest.mark.parametrize("text", [
    "Jalan di desa kami berlubang parah, terima kasih.",
    "Halo, saya mau lapor lampu jalan mati sejak minggu lalu.",
    "tolong tolong tolong ada kebakaran di pasar",  # a caller repeating a word is speech
    "rumah rumah warga terendam, air air terus naik",
    "Saya mau melapor. Saya mau melapor. Jembatan di Desa Lapeo putus sejak tadi pagi dan "
    "anak-anak tidak bisa ke sekolah, mohon segera diperbaiki.",
])
def test_a_complaint_is_speech_even_with_thanks_and_repeats(text: str) -> None:
    assert no_speech(text) is None


def test_the_longest_loop_is_found() -> None:
    assert longest_loop("a b c a b c a b c x".split()) == (3, 3)
    assert longest_loop("satu dua tiga".split()) == (0, 0)


def write_wav(path: Path, samples: np.ndarray, rate: int = 8000) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.clip(samples, -32767, 32767).astype("<i2").tobytes())
    return path


@pytest.mark.model
def test_whisper_on_line_noise_and_a_hum_hears_no_speech(whisper: Engine, say, tmp_path: Path
                                                          ) -> None:  # type: ignore[no-untyped-def]
    """Loud enough to pass the audio check's silence gate, yet nobody speaks: whatever
    Whisper writes for it (nothing, as a rule) is not taken for a complaint, while the
    same engine on espeak-ng speech is."""
    seconds = np.arange(8000 * 6) / 8000
    noise = write_wav(tmp_path / "noise.wav", np.random.default_rng(5).normal(0, 3000, 8000 * 6))
    hum = write_wav(tmp_path / "hum.wav", 6000 * np.sin(2 * np.pi * 440 * seconds))
    for path in (noise, hum):
        heard = whisper.transcribe(path).text
        assert no_speech(heard) is not None, heard
    spoken = whisper.transcribe(say("jalan di desa kami rusak parah sejak bulan lalu")).text
    assert no_speech(spoken) is None, spoken
