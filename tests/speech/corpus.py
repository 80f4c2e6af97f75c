"""The utterances the model-output tests pool, and the figures their bounds come from.

A single synthetic sentence is a poor test of a speech model: whisper-base hears espeak's
"parah dan berlubang" as "arah dan berubah" on one CPU and gets it right on another,
because int8 arithmetic differs between CPUs (CTranslate2's ISA kernels, and its GEMM
backend: Intel MKL on Intel CPUs, oneDNN elsewhere). Pooled over a dozen utterances the
error rate barely moves, so the tests bound the pooled character error rate instead.

Re-measure the figures quoted next to the bounds (after changing the sentences, the
voice, the model or the decoding settings) with, for each configuration:

    CT2_FORCE_CPU_ISA=GENERIC .venv/bin/python -m tests.speech.corpus
    CT2_FORCE_CPU_ISA=AVX2 CT2_USE_MKL=0 .venv/bin/python -m tests.speech.corpus

CT2_FORCE_CPU_ISA picks CTranslate2's own kernels (GENERIC, AVX, AVX2, AVX512; left
alone it stops at AVX2), CT2_USE_MKL=0 its int8 GEMM backend (oneDNN, as on AMD), and
MKL_ENABLE_INSTRUCTIONS / ONEDNN_MAX_CPU_ISA cap what those libraries use (AVX2, AVX-512,
VNNI, AMX), which is how one machine imitates other CPUs. docs/speech.md has the table.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from speech.audio import ffmpeg_binary
from speech.normalize import normalize_for_scoring
from speech.scoring import char_errors
from speech.types import Engine, Transcript

# Short complaints as callers phrase them. espeak-ng's Indonesian voice is robotic, so
# whisper-base mishears a word or two in most of them; that is what the pooling is for.
SENTENCES = (
    "lampu jalan mati sejak minggu lalu",
    "jalan di desa saya rusak parah dan berlubang",
    "sampah di pasar tidak diangkut selama tiga hari",
    "air bersih di rumah kami tidak mengalir sejak kemarin",
    "saluran air di depan rumah tersumbat dan banjir",
    "pohon tumbang menutup jalan menuju sekolah",
    "jembatan kecil di kampung kami hampir roboh",
    "banyak nyamuk karena genangan air di lapangan",
    "petugas kelurahan tidak datang ke kantor hari ini",
    "listrik padam setiap malam di perumahan kami",
    "anak anak sekolah tidak bisa menyeberang jalan",
    "bau busuk dari tempat pembuangan sampah sangat mengganggu",
)
# Words of SENTENCES that whisper-base rarely gets right without help: the vocabulary
# test shows that a domain vocabulary reaches the decoder by how many more it hears.
VOCABULARY = ("sampah", "banjir", "roboh", "nyamuk", "padam", "berlubang", "tersumbat", "genangan")
CHANNELS = ("clean", "telephone")

Heard = list[tuple[str, Transcript]]


def synthesise(text: str, directory: Path) -> Path:
    """Indonesian speech from espeak-ng at 120 words/min as a 22 kHz WAV (cached by text).

    120 words/min: espeak's default 175 is faster than any caller speaks.
    """
    path = directory / (text.replace(" ", "_")[:60] + ".wav")
    if not path.exists():
        subprocess.run(["espeak-ng", "-v", "id", "-s", "120", "-w", str(path), text], check=True)
    return path


def to_telephone(src: Path, suffix: str = ".wav", codec: str = "pcm_s16le") -> Path:
    """8 kHz mono, as Twilio delivers recordings (RecordingUrl + .wav or .mp3)."""
    dst = src.with_name(f"{src.stem}.8k.{codec}{suffix}")
    if not dst.exists():
        cmd = [ffmpeg_binary(), "-loglevel", "error", "-y", "-i", str(src), "-ar", "8000",
               "-ac", "1"]  # fmt: skip
        if suffix == ".wav":
            cmd += ["-acodec", codec]
        subprocess.run([*cmd, str(dst)], check=True)
    return dst


def hear(
    engine: Engine, channel: str, say: Callable[[str], Path], sentences: Iterable[str] = SENTENCES
) -> Heard:
    """Each sentence synthesised, sent through `channel`, and transcribed by `engine`."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    heard: Heard = []
    for sentence in sentences:
        path = say(sentence)
        if channel == "telephone":
            path = to_telephone(path)
        heard.append((sentence, engine.transcribe(path)))
    return heard


def pooled_cer(heard: Heard) -> tuple[float, int, int]:
    """(rate, character errors, reference characters) over all utterances together."""
    errors = chars = 0
    for sentence, transcript in heard:
        e, n = char_errors(normalize_for_scoring(sentence), normalize_for_scoring(transcript.text))
        errors += e
        chars += n
    return errors / chars, errors, chars


def vocabulary_hits(heard: Heard, vocabulary: Sequence[str] = VOCABULARY) -> tuple[int, int]:
    """(vocabulary words heard, vocabulary words said) over all utterances."""
    hits = said = 0
    for sentence, transcript in heard:
        words = set(normalize_for_scoring(transcript.text).split())
        for term in vocabulary:
            if term in sentence.split():
                said += 1
                hits += term in words
    return hits, said


def report(heard: Heard) -> str:
    """One line per utterance: its CER and what the engine heard."""
    lines = []
    for sentence, transcript in heard:
        e, n = char_errors(normalize_for_scoring(sentence), normalize_for_scoring(transcript.text))
        lines.append(f"  {e / n:4.0%}  {transcript.text!r}")
    return "\n".join(lines)


def main() -> int:  # pragma: no cover - a measuring tool, run by hand
    from speech import load_engine
    from speech.models import default_whisper_dir

    if shutil.which("espeak-ng") is None:
        print("espeak-ng is not installed", file=sys.stderr)
        return 2
    knobs = ("CT2_FORCE_CPU_ISA", "CT2_USE_MKL", "MKL_ENABLE_INSTRUCTIONS", "ONEDNN_MAX_CPU_ISA")
    config = " ".join(f"{k}={os.environ[k]}" for k in knobs if k in os.environ)
    whisper = load_engine("whisper", str(default_whisper_dir()), threads=2, temperatures=(0.0,))
    with_vocabulary = load_engine(
        "whisper", str(default_whisper_dir()), threads=2, temperatures=(0.0,),
        vocabulary=VOCABULARY,
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:

        def say(text: str) -> Path:
            return synthesise(text, Path(tmp))

        vocab_sentences = [s for s in SENTENCES if set(VOCABULARY) & set(s.split())]
        for channel in CHANNELS:
            heard = hear(whisper, channel, say)
            rate, errors, chars = pooled_cer(heard)
            print(report(heard))
            print(f"{config or 'default'} {channel}: CER {rate:.2%} ({errors}/{chars})")
            without = vocabulary_hits([h for h in heard if h[0] in vocab_sentences])
            hits = vocabulary_hits(hear(with_vocabulary, channel, say, vocab_sentences))
            print(f"{config or 'default'} {channel}: vocabulary words heard "
                  f"{without[0]}/{without[1]} without, {hits[0]}/{hits[1]} with")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
