"""A recording is kept only when its own bytes are audio, and its length is measured."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from media import audio_check
from media.audio_check import MP3, OGG, WAV, NotAudio
from tests.audio_samples import HTML, encode, header_only_wav, wav_bytes


@pytest.fixture(scope="module")
def encoded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("encoded")
    source = folder / "tone.wav"
    source.write_bytes(wav_bytes(3.0))
    return {
        "mp3": encode(source, folder / "tone.mp3", "-b:a", "32k").read_bytes(),
        "opus": encode(source, folder / "tone.opus", "-c:a", "libopus").read_bytes(),
        "mulaw": encode(source, folder / "mulaw.wav", "-c:a", "pcm_mulaw").read_bytes(),
    }


def test_a_telephone_wav_is_recognised_and_measured():
    info = audio_check.inspect(wav_bytes(2.5), "audio/x-wav")
    assert info.format is WAV and info.format.content_type == "audio/wav"
    assert info.duration_seconds == pytest.approx(2.5)


def test_a_mu_law_wav_is_measured_by_its_own_block_size(encoded):
    info = audio_check.inspect(encoded["mulaw"])
    assert info.format is WAV and info.duration_seconds == pytest.approx(3.0, abs=0.01)


def test_a_cut_off_wav_counts_the_samples_that_are_there_not_the_ones_promised():
    data = wav_bytes(4.0)
    info = audio_check.inspect(data[: 44 + 16000])  # header plus one second of samples
    assert info.duration_seconds == pytest.approx(1.0)


@pytest.mark.parametrize("kind, fmt", [("mp3", MP3), ("opus", OGG)])
def test_mp3_and_ogg_opus_are_recognised_by_their_bytes_and_measured(encoded, kind, fmt):
    # Served as Twilio serves every .wav URL: the header says WAV, the bytes do not.
    info = audio_check.inspect(encoded[kind], "audio/x-wav")
    assert info.format is fmt
    # MP3 frames carry the encoder's padding: a frame or three of slack.
    assert info.duration_seconds == pytest.approx(3.0, abs=0.2)


@pytest.mark.parametrize("body, empty", [
    (b"", True),
    (header_only_wav(), True),
    (HTML, False),
    (b"RIFF\x00\x00\x00\x00WAVEfmt garbage" + bytes(range(256)) * 8, False),
    (b"\xff\xfb\x90\x00" + HTML * 4, False),  # one MP3 frame header, then a page
    (b"OggS" + HTML, False),
    (b"ID3\x04\x00\x00\x00\x00\x00\x10" + HTML, False),
])
def test_bodies_without_sound_are_refused_and_empty_ones_say_so(body, empty):
    with pytest.raises(NotAudio) as refused:
        audio_check.inspect(body, "audio/x-wav")
    assert refused.value.empty is empty
    assert refused.value.reason  # Indonesian, shown to operators


@pytest.mark.parametrize("declared", ["text/html", "text/html; charset=utf-8",
                                      "application/json", "image/svg+xml"])
def test_a_body_declared_as_a_page_is_refused_even_when_it_looks_like_audio(declared):
    with pytest.raises(NotAudio, match="bukan audio"):
        audio_check.inspect(wav_bytes(1.0), declared)


def test_sniffing_the_first_bytes_names_the_format_a_stored_file_is_served_as(encoded):
    assert audio_check.sniff(wav_bytes(0.1)[:64]) is WAV
    assert audio_check.sniff(encoded["mp3"][:64]) is MP3
    assert audio_check.sniff(encoded["opus"][:64]) is OGG
    assert audio_check.sniff(HTML[:64]) is None
    assert audio_check.sniff(b"") is None


def test_a_wav_with_an_unknown_codec_is_refused():
    data = bytearray(wav_bytes(1.0))
    struct.pack_into("<H", data, 20, 0x55)  # MPEG Layer 3 inside RIFF: not telephony
    with pytest.raises(NotAudio, match="format"):
        audio_check.inspect(bytes(data))


def test_the_module_stays_free_of_web_queue_and_speech_imports():
    source = Path(audio_check.__file__).read_text()
    for banned in ("flask", "twilio", "celery", "speech", "requests"):
        assert f"import {banned}" not in source and f"from {banned}" not in source
