"""Word/character error rate, speed and memory of a speech engine on a labelled set.

    python benchmarks/asr.py --set ../shared/data/asr-id-dev [--phone] [--engine whisper]

The set is a directory of WAV files plus `transcripts.tsv` (filename TAB spoken-form
reference). The development set is licensed for evaluation only and is not in the repo.
The last line printed is always `WER=<percent> CER=<percent> RTF=<factor>`.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speech import AudioError, Engine, load_engine  # noqa: E402
from speech.audio import ffmpeg_binary  # noqa: E402
from speech.models import default_whisper_dir  # noqa: E402
from speech.normalize import normalize_for_scoring  # noqa: E402
from speech.scoring import char_errors, word_errors  # noqa: E402
from speech.vocabulary import COMPLAINT_VOCABULARY  # noqa: E402

DEV_SET_HINT = (
    "The Indonesian development set lives in ../shared/data/asr-id-dev (next to the "
    "repository); it is licensed for evaluation only and is not part of the repo."
)


@dataclass
class Item:
    name: str
    path: Path
    reference: str


def read_set(directory: Path) -> list[Item]:
    tsv = directory / "transcripts.tsv"
    if not directory.is_dir() or not tsv.is_file():
        raise SystemExit(2)
    items = []
    for line in tsv.read_text(encoding="utf-8").splitlines():
        if not line.strip() or "\t" not in line:
            continue
        name, reference = line.split("\t", 1)
        if name == "file" or not name.endswith(".wav"):
            continue
        items.append(Item(name, directory / name, reference.strip()))
    return items


def telephone(src: Path, dst: Path) -> None:
    """What a Twilio recording sounds like: 8 kHz mono, G.711 mu-law."""
    cmd = [
        ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(src),
        "-ar", "8000", "-ac", "1", "-acodec", "pcm_mulaw", str(dst),
    ]  # fmt: skip
    subprocess.run(cmd, check=True)


def join_items(items: list[Item], seconds: float, work: Path) -> list[Item]:
    """Concatenate consecutive utterances into ~`seconds`-long clips (complaint length).

    Whisper pads every clip to 30 s, so many short files measure the padding rather than
    the recogniser; joined clips show the speed and accuracy of a real complaint.
    """
    from pydub import AudioSegment

    AudioSegment.converter = ffmpeg_binary()
    gap = AudioSegment.silent(duration=400, frame_rate=16000)
    joined: list[Item] = []
    group: list[Item] = []
    length = 0.0

    def flush() -> None:
        nonlocal group, length
        if not group:
            return
        clip = AudioSegment.empty()
        for it in group:
            clip += AudioSegment.from_file(str(it.path)).set_frame_rate(16000) + gap
        path = work / f"joined_{len(joined):03d}.wav"
        clip.export(str(path), format="wav")
        name = "+".join(it.name for it in group)
        joined.append(Item(name, path, " ".join(it.reference for it in group)))
        group, length = [], 0.0

    for it in items:
        group.append(it)
        length += AudioSegment.from_file(str(it.path)).duration_seconds
        if length >= seconds:
            flush()
    flush()
    return joined


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (ffmpeg), immune to other load."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_engine(args: argparse.Namespace) -> Engine:
    vocabulary: Sequence[str] = COMPLAINT_VOCABULARY if args.vocab else ()
    if args.engine == "whisper" and (
        args.vocab_mode != "prompt" or args.condition_prev or args.no_fallback
    ):
        from speech.whisper_engine import WhisperEngine

        return WhisperEngine(
            args.model or default_whisper_dir(),
            beam_size=args.beam,
            vad=not args.no_vad,
            vocabulary=vocabulary,
            threads=args.threads,
            vocabulary_mode=args.vocab_mode,
            condition_on_previous_text=args.condition_prev,
            temperatures=(0.0,) if args.no_fallback else (0.0, 0.2, 0.4, 0.6, 0.8, 1.0),
        )
    return load_engine(
        args.engine,
        args.model,
        beam_size=args.beam,
        vad=not args.no_vad,
        vocabulary=vocabulary,
        threads=args.threads,
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", dest="set_dir", type=Path, required=True, help="data directory")
    ap.add_argument("--phone", action="store_true", help="pass audio through 8 kHz mu-law")
    ap.add_argument("--engine", choices=("whisper", "vosk"), default="whisper")
    ap.add_argument("--model", help="model directory (default: the engine's default)")
    ap.add_argument("--beam", type=int, default=5)
    ap.add_argument("--no-vad", action="store_true")
    ap.add_argument("--limit", type=int, default=0, help="only the first N files")
    ap.add_argument("--out", type=Path, help="write filename TAB raw hypothesis here")
    ap.add_argument("--threads", type=int, default=2, help="CPU threads (0: all cores)")
    ap.add_argument("--join", type=float, default=0.0, metavar="SECONDS",
                    help="concatenate utterances into clips of about SECONDS")  # fmt: skip
    ap.add_argument("--vocab", action="store_true",
                    help="whisper: pass speech.vocabulary.COMPLAINT_VOCABULARY")  # fmt: skip
    ap.add_argument("--no-vocab", action="store_true", help=argparse.SUPPRESS)  # old spelling
    ap.add_argument("--vocab-mode", choices=("prompt", "hotwords", "both", "none"),
                    default="prompt")  # fmt: skip
    ap.add_argument("--condition-prev", action="store_true",
                    help="whisper: condition_on_previous_text=True")  # fmt: skip
    ap.add_argument("--no-fallback", action="store_true",
                    help="whisper: temperature 0 only, no fallback")  # fmt: skip
    ap.add_argument("-v", "--verbose", action="store_true", help="print every file")
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    tsv = args.set_dir / "transcripts.tsv"
    if not args.set_dir.is_dir() or not tsv.is_file():
        print(f"No data set at {args.set_dir} (need *.wav and transcripts.tsv).", file=sys.stderr)
        print(DEV_SET_HINT, file=sys.stderr)
        return 2
    items = read_set(args.set_dir)
    if args.limit:
        items = items[: args.limit]
    if args.vocab and args.engine == "whisper":
        refs = {w for it in items for w in normalize_for_scoring(it.reference).split()}
        vocab = {w for v in COMPLAINT_VOCABULARY for w in normalize_for_scoring(v).split()}
        if refs & vocab:
            print(f"WARNING: prompt vocabulary overlaps the references: {sorted(refs & vocab)}")

    with tempfile.TemporaryDirectory(prefix="asr-bench-") as tmp:
        work = Path(tmp)
        if args.join:
            items = join_items(items, args.join, work)
        if args.phone:
            for i, it in enumerate(items):
                dst = work / f"phone_{i:04d}.wav"
                telephone(it.path, dst)
                it.path = dst

        t0 = time.perf_counter()
        engine = build_engine(args)
        load_seconds = time.perf_counter() - t0

        load_before = os.getloadavg()[0]
        cpu_before = cpu_seconds()
        errors: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        audio_s = proc_s = 0.0
        hyps: list[tuple[str, str]] = []
        for it in items:
            try:
                tr = engine.transcribe(it.path)
                hyp, audio, spent = tr.text, tr.audio_seconds, tr.processing_seconds
            except AudioError as exc:
                print(f"{it.name}: AudioError({exc.reason}): {exc}", file=sys.stderr)
                hyp, audio, spent = "", 0.0, 0.0
            audio_s += audio
            proc_s += spent
            hyps.append((it.name, hyp))
            ref_n, hyp_n = normalize_for_scoring(it.reference), normalize_for_scoring(hyp)
            we, wn = word_errors(ref_n, hyp_n)
            ce, cn = char_errors(ref_n, hyp_n)
            for key in ("all", it.name.split("_", 1)[0] if not args.join else "joined"):
                acc = errors[key]
                acc[0] += we
                acc[1] += wn
                acc[2] += ce
                acc[3] += cn
            if args.verbose:
                print(f"{it.name}\t{spent / max(audio, 1e-9):.2f}\tREF: {ref_n}\n\t\tHYP: {hyp_n}")

        cpu_used = cpu_seconds() - cpu_before
        load_after = os.getloadavg()[0]

    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("".join(f"{n}\t{h}\n" for n, h in hyps), encoding="utf-8")

    total = errors["all"]
    wer = 100.0 * total[0] / max(total[1], 1)
    cer = 100.0 * total[2] / max(total[3], 1)
    rtf = proc_s / audio_s if audio_s else float("nan")
    channel = "telephone (8 kHz mu-law)" if args.phone else "clean (as recorded)"
    print(f"engine        {engine.name} ({engine.model}), threads={args.threads}")
    print(f"channel       {channel}")
    print(f"files         {len(items)}")
    print(f"audio         {audio_s:.1f} s")
    print(f"processing    {proc_s:.1f} s")
    print(f"CPU time      {cpu_used:.1f} s ({cpu_used / max(audio_s, 1e-9):.3f} CPU-s per audio s)")
    print(
        f"load average  {load_before:.1f} -> {load_after:.1f} (wall RTF is only "
        f"meaningful when it stays below the core count, {os.cpu_count()})"
    )
    print(f"model load    {load_seconds:.2f} s")
    print(f"peak RSS      {peak_rss_mb():.0f} MB")
    for key, (we, wn, ce, cn) in sorted(errors.items()):
        if key != "all":
            print(
                f"  {key:<10}  WER {100 * we / max(wn, 1):5.1f}%  CER {100 * ce / max(cn, 1):5.1f}%"
            )
    print(f"WER {wer:.1f}% ({total[0]}/{total[1]} words), CER {cer:.1f}%, RTF {rtf:.3f}")
    print(f"WER={wer:.1f} CER={cer:.1f} RTF={rtf:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
