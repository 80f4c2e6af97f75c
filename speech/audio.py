"""Decode any audio file to mono 16-bit PCM at an engine's rate, and reject bad input.

Every engine goes through `load_audio`, so an empty, corrupt, over-long or silent file is
classified the same way whichever engine is configured, and never surfaces as a raw
decoder exception.
"""

from __future__ import annotations

import math
import os
import shutil
import struct
import subprocess
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from speech.types import AudioError

with warnings.catch_warnings():
    # pydub imports the stdlib `audioop` (deprecated in 3.11) and warns when ffmpeg is not
    # on PATH; we point it at a binary ourselves below.
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.exceptions import CouldntDecodeError

# Below this loudness (in dBFS) a 30 ms frame counts as silence. Telephone speech sits
# around -30..-15 dBFS; line hiss and comfort noise well below -50.
SILENCE_DBFS = -50.0
# A recording with less voiced time than this is treated as silent.
MIN_VOICED_SECONDS = 0.15
FRAME_SECONDS = 0.03


@dataclass(frozen=True)
class Audio:
    """Mono 16-bit PCM samples at `sample_rate`."""

    samples: npt.NDArray[np.int16]
    sample_rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.sample_rate

    def pcm_bytes(self) -> bytes:
        return self.samples.astype("<i2").tobytes()

    def float32(self) -> npt.NDArray[np.float32]:
        return (self.samples.astype(np.float32) / 32768.0).astype(np.float32)


@lru_cache(maxsize=1)
def ffmpeg_binary() -> str:
    """The system ffmpeg if installed, else the one the imageio-ffmpeg wheel ships."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def _configure_pydub() -> None:
    AudioSegment.converter = ffmpeg_binary()


def load_audio(
    path: str | os.PathLike[str],
    *,
    sample_rate: int = 16000,
    max_seconds: float = 900.0,
    silence_dbfs: float = SILENCE_DBFS,
) -> Audio:
    """Decode `path` to mono int16 at `sample_rate`; raise AudioError for unusable input."""
    p = Path(path)
    if not p.is_file():
        raise AudioError("empty", f"No audio file at {p}.")
    if p.stat().st_size == 0:
        raise AudioError("empty", f"The audio file {p.name} is empty (0 bytes).")
    _check_wav_header(p)
    _configure_pydub()
    try:
        segment = _decode(p)
    except (CouldntDecodeError, IndexError, ValueError, struct.error, EOFError) as exc:
        raise AudioError("corrupt", f"The audio file {p.name} cannot be decoded.") from exc
    except OSError as exc:
        raise AudioError("corrupt", f"The audio file {p.name} cannot be read: {exc}.") from exc
    if segment.frame_count() == 0 or len(segment.raw_data) == 0:
        raise AudioError("empty", f"The audio file {p.name} contains no audio samples.")
    seconds = segment.duration_seconds
    if seconds > max_seconds:
        raise AudioError(
            "too_long",
            f"The audio file {p.name} lasts {seconds:.0f} s; the limit is {max_seconds:.0f} s.",
        )
    segment = segment.set_channels(1).set_sample_width(2)
    samples = np.frombuffer(segment.raw_data, dtype="<i2").astype(np.int16)
    if segment.frame_rate != sample_rate:
        samples = resample(samples, segment.frame_rate, sample_rate)
    audio = Audio(samples=samples, sample_rate=sample_rate)
    if voiced_seconds(audio, silence_dbfs) < MIN_VOICED_SECONDS:
        raise AudioError("silent", f"The audio file {p.name} contains only silence.")
    return audio


def _decode(p: Path) -> AudioSegment:
    with p.open("rb") as fh:
        if fh.read(4) == b"RIFF":
            # Given a path, pydub's WAV reader leaves the file open; hand it our own handle.
            fh.seek(0)
            try:
                return AudioSegment.from_file(fh, format="wav")
            except CouldntDecodeError:
                pass  # a WAV pydub cannot parse itself (mu-law, float): ffmpeg reads it
    return AudioSegment.from_file(str(p))


def _check_wav_header(p: Path) -> None:
    """Reject a RIFF/WAVE file whose data chunk is cut short (an interrupted download).

    pydub and ffmpeg both decode what is there without complaint, which would hand the
    engine half a complaint; a streamed WAV (size 0 or 0xFFFFFFFF) is accepted as is.
    """
    with p.open("rb") as fh:
        head = fh.read(12)
        if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return  # not a WAV: leave it to ffmpeg
        size = p.stat().st_size
        pos = 12
        while True:
            chunk = fh.read(8)
            if len(chunk) < 8:
                raise AudioError("corrupt", f"The WAV file {p.name} is truncated (no data).")
            chunk_id, chunk_size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            pos += 8
            if chunk_id == b"data":
                if chunk_size in (0, 0xFFFFFFFF):
                    return
                if pos + chunk_size > size:
                    raise AudioError(
                        "corrupt",
                        f"The WAV file {p.name} is truncated: {size - pos} of "
                        f"{chunk_size} data bytes present.",
                    )
                return
            pos += chunk_size + (chunk_size & 1)
            if pos >= size:
                raise AudioError("corrupt", f"The WAV file {p.name} is truncated (no data).")
            fh.seek(pos)


def resample(samples: npt.NDArray[np.int16], src_rate: int, dst_rate: int) -> npt.NDArray[np.int16]:
    """Band-limited resampling through ffmpeg's swresample.

    pydub's own `set_frame_rate` uses audioop.ratecv (linear interpolation, no filter),
    which leaves images of 8 kHz telephone audio in the 4-8 kHz band the models hear.
    """
    cmd = [
        ffmpeg_binary(), "-hide_banner", "-loglevel", "error",
        "-f", "s16le", "-ar", str(src_rate), "-ac", "1", "-i", "pipe:0",
        "-f", "s16le", "-ar", str(dst_rate), "-ac", "1", "pipe:1",
    ]  # fmt: skip
    proc = subprocess.run(cmd, input=samples.astype("<i2").tobytes(), capture_output=True)
    if proc.returncode != 0:
        raise AudioError(
            "unsupported",
            f"Cannot resample from {src_rate} Hz to {dst_rate} Hz: "
            f"{proc.stderr.decode(errors='replace').strip()[:200]}",
        )
    return np.frombuffer(proc.stdout, dtype="<i2").astype(np.int16)


def voiced_seconds(audio: Audio, silence_dbfs: float = SILENCE_DBFS) -> float:
    """Seconds of 30 ms frames louder than `silence_dbfs` (a crude, cheap energy VAD)."""
    frame = max(1, int(audio.sample_rate * FRAME_SECONDS))
    n = len(audio.samples) // frame
    if n == 0:
        frames = audio.samples.astype(np.float64)[None, :]
    else:
        frames = audio.samples[: n * frame].astype(np.float64).reshape(n, frame)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    threshold = 32768.0 * math.pow(10.0, silence_dbfs / 20.0)
    return float(np.count_nonzero(rms > threshold)) * frame / audio.sample_rate
