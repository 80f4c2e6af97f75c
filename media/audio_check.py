"""Is this body a recording? Recognise WAV, MP3 and Ogg (Opus, Vorbis) by their bytes.

A downloaded body is only kept when its own structure says it is audio: a
``Content-Type`` header is the sender's claim, the bytes are the evidence. The
format found here decides the stored file's extension and the type it is served
with, and the duration is measured from the content (``None`` when the format
does not say), never taken from the webhook.

Pure Python and standard library only: the domain may import it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass


@dataclass(frozen=True)
class AudioFormat:
    name: str
    extension: str
    content_type: str


WAV = AudioFormat("wav", ".wav", "audio/wav")
MP3 = AudioFormat("mp3", ".mp3", "audio/mpeg")
OGG = AudioFormat("ogg", ".ogg", "audio/ogg")
FORMATS = (WAV, MP3, OGG)


@dataclass(frozen=True)
class AudioInfo:
    format: AudioFormat
    duration_seconds: float | None


class NotAudio(ValueError):
    """The body is not a usable recording. ``reason`` is Indonesian, for operators.

    ``empty`` marks a body without sound (no bytes, or a header without samples):
    Twilio may not have finished the file, so that one is worth a quick retry."""

    def __init__(self, reason: str, *, empty: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.empty = empty


# Declared types a recording may come with. Anything else (text/html, JSON, XML) is
# refused whatever the bytes look like: a server that says "page" is not serving audio.
_ACCEPTED_DECLARED = ("audio/", "application/octet-stream", "application/ogg")


def declared_type_acceptable(content_type: str | None) -> bool:
    base = (content_type or "").split(";")[0].strip().lower()
    return not base or base.startswith(_ACCEPTED_DECLARED)


def sniff(head: bytes) -> AudioFormat | None:
    """The format the first bytes announce (magic numbers only; ``inspect`` parses)."""
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if head[:4] == b"OggS":
        return OGG
    if head[:3] == b"ID3" or _mp3_header(head, 0) is not None:
        return MP3
    return None


def inspect(data: bytes, declared_type: str | None = None) -> AudioInfo:
    """Parse ``data`` as audio and measure it; raise :class:`NotAudio` if it is not."""
    if not data:
        raise NotAudio("rekaman kosong (0 byte)", empty=True)
    if not declared_type_acceptable(declared_type):
        base = (declared_type or "").split(";")[0].strip()[:60]
        raise NotAudio(f"berkas yang diterima bukan audio (jenis {base})")
    fmt = sniff(data[:64])
    if fmt is WAV:
        return AudioInfo(WAV, _wav_duration(data))
    if fmt is MP3:
        return AudioInfo(MP3, _mp3_duration(data))
    if fmt is OGG:
        return AudioInfo(OGG, _ogg_duration(data))
    raise NotAudio("berkas yang diterima bukan audio (bukan WAV, MP3 atau OGG)")


# --- WAV -----------------------------------------------------------------------------

# PCM, IEEE float, A-law, mu-law, WAVE_FORMAT_EXTENSIBLE.
_WAV_CODECS = {1, 3, 6, 7, 0xFFFE}


def _wav_duration(data: bytes) -> float:
    pos, fmt = 12, None
    for _ in range(64):  # a WAV has a handful of chunks; more is not a recording
        if pos + 8 > len(data):
            break
        chunk, size = data[pos:pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        body = pos + 8
        if chunk == b"fmt ":
            if size < 16 or body + 16 > len(data):
                raise NotAudio("berkas WAV rusak (format tidak lengkap)")
            codec, channels, rate, _byte_rate, block = struct.unpack_from("<HHIIH", data, body)
            if (codec not in _WAV_CODECS or not 1 <= channels <= 8
                    or not 1000 <= rate <= 384000 or block == 0):
                raise NotAudio("berkas WAV rusak atau format suaranya tidak dikenal")
            fmt = (rate, block)
        elif chunk == b"data":
            if fmt is None:
                raise NotAudio("berkas WAV rusak (data sebelum format)")
            rate, block = fmt
            # A cut-off file, or a streamed one whose header says 0xFFFFFFFF: count the
            # samples that are actually there, not the ones the header promises.
            frames = min(size, len(data) - body) // block
            if frames == 0:
                raise NotAudio("rekaman WAV tanpa suara (hanya header)", empty=True)
            return frames / rate
        pos = body + size + (size & 1)
    raise NotAudio("berkas WAV rusak (tidak ada data suara)")


# --- MP3 -----------------------------------------------------------------------------

_MP3_BITRATES = {  # kbit/s by (MPEG-1?, layer), index 1..14
    (True, 1): (32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mp3_header(data: bytes, pos: int) -> tuple[int, int, int] | None:
    """(frame length, samples in the frame, sample rate) of a frame header at ``pos``."""
    if pos + 4 > len(data) or data[pos] != 0xFF or data[pos + 1] & 0xE0 != 0xE0:
        return None
    b1, b2 = data[pos + 1], data[pos + 2]
    version, layer_bits = (b1 >> 3) & 3, (b1 >> 1) & 3
    bitrate_index, rate_index, padding = b2 >> 4, (b2 >> 2) & 3, (b2 >> 1) & 1
    if version == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None  # reserved values, or free format, which telephony never uses
    layer, mpeg1 = 4 - layer_bits, version == 3
    bitrate = _MP3_BITRATES[(mpeg1, layer)][bitrate_index - 1] * 1000
    rate = _MP3_RATES[version][rate_index]
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4, 384, rate
    samples = 1152 if layer == 2 or mpeg1 else 576
    return samples // 8 * bitrate // rate + padding, samples, rate


def _id3v2_end(data: bytes) -> int:
    if data[:3] != b"ID3" or len(data) < 10:
        return 0
    size = 0
    for byte in data[6:10]:
        if byte & 0x80:
            raise NotAudio("berkas MP3 rusak (tag ID3)")
        size = size << 7 | byte
    footer = 10 if data[5] & 0x10 else 0
    return 10 + size + footer


def _mp3_duration(data: bytes) -> float:
    pos = _id3v2_end(data)
    seconds, frames = 0.0, 0
    while pos < len(data):
        header = _mp3_header(data, pos)
        if header is None:
            break
        length, samples, rate = header
        if pos + length > len(data):
            break  # a cut-off last frame
        # A Xing/Info frame at the start carries metadata, not sound.
        if not (frames == 0 and (b"Xing" in data[pos:pos + 64] or b"Info" in data[pos:pos + 64])):
            seconds += samples / rate
        frames += 1
        pos += length
    tail = len(data) - pos
    # After the last frame only a cut-off frame or an ID3v1/APE tag may follow.
    if frames == 0 or (tail > 0 and not _mp3_tail_ok(data, pos)):
        raise NotAudio("berkas MP3 rusak atau bukan MP3")
    if seconds == 0:
        raise NotAudio("rekaman MP3 tanpa suara", empty=True)
    return seconds


def _mp3_tail_ok(data: bytes, pos: int) -> bool:
    rest = data[pos:]
    if rest.startswith((b"TAG", b"APETAGEX")) and len(rest) <= 64 * 1024:
        return True
    header = _mp3_header(data, pos)
    return header is not None and pos + header[0] > len(data)


# --- Ogg (Opus, Vorbis) --------------------------------------------------------------


def _ogg_duration(data: bytes) -> float:
    pos, serial, last_granule = 0, None, -1
    scale: tuple[int, int] | None = None  # (samples to skip, samples per second)
    while pos < len(data):
        magic = data[pos:pos + 4]
        if magic != b"OggS":
            if len(data) - pos < 4 and b"OggS".startswith(magic):
                break  # a cut-off last page
            raise NotAudio("berkas OGG rusak")
        if pos + 27 > len(data):
            break
        if data[pos + 4] != 0:
            raise NotAudio("berkas OGG rusak (versi halaman)")
        flags = data[pos + 5]
        granule, page_serial = struct.unpack_from("<qI", data, pos + 6)
        table_end = pos + 27 + data[pos + 26]
        if table_end > len(data):
            break
        end = table_end + sum(data[pos + 27:table_end])
        if serial is None:
            if not flags & 0x02:
                raise NotAudio("berkas OGG rusak (awal aliran hilang)")
            serial, scale = page_serial, _ogg_codec(data[table_end:end])
        if end > len(data):
            break
        # -1: no packet ends on this page. Other streams (a chained file) are not ours.
        if page_serial == serial and granule >= 0:
            last_granule = granule
        pos = end
    if scale is None:
        raise NotAudio("berkas OGG rusak")
    skip, rate = scale
    if last_granule - skip <= 0:
        raise NotAudio("rekaman OGG tanpa suara", empty=True)
    return (last_granule - skip) / rate


def _ogg_codec(first_packet: bytes) -> tuple[int, int]:
    if first_packet.startswith(b"OpusHead") and len(first_packet) >= 19:
        # Opus always counts at 48 kHz; the pre-skip samples are decoder warm-up.
        return struct.unpack_from("<H", first_packet, 10)[0], 48000
    if first_packet.startswith(b"\x01vorbis") and len(first_packet) >= 16:
        rate = struct.unpack_from("<I", first_packet, 12)[0]
        if rate:
            return 0, rate
    raise NotAudio("berkas OGG tanpa Opus atau Vorbis")
