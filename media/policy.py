"""How hard the media pipeline tries, and what it says when it gives up: one policy and
one table of reasons for both kinds of media (call recordings and message media).

Each stage (download, transcription) is a job that claims its row under a short lease
its worker renews while it works (``HEARTBEAT``, ``jobs.HotlineTask.heartbeat``), and
counts its own attempts on the row (``download_attempts``, ``transcribe_attempts``), so
a voice note whose download needed a few tries still has every transcription attempt.
The counts live in the database, not in the task's retry counter: a chain of retries
and the sweep's rescue of the same job draw on the same budget.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

# A worker renews its lease every HEARTBEAT while it works, so however long a download
# or a transcription takes, a killed worker's job is free again within one LEASE.
LEASE = timedelta(seconds=45)
HEARTBEAT = timedelta(seconds=15)
# Work found with no lease this long after it became due has lost its queue message.
UNCLAIMED_GRACE = timedelta(seconds=60)
BACKOFF_CAP_SECONDS = 600


@dataclass(frozen=True)
class Stage:
    name: str
    max_attempts: int
    backoff_seconds: int  # the first retry's wait; doubled for each attempt after it

    def backoff(self, attempts: int) -> int:
        """Seconds to wait before the attempt after the ``attempts``-th."""
        return int(min(BACKOFF_CAP_SECONDS, self.backoff_seconds * 2 ** max(0, attempts - 1)))


# Twilio answers 404 until a recording is ready and its media host has bad minutes: nine
# tries over about twenty minutes (5 s doubling to 600 s).
DOWNLOAD = Stage("download", max_attempts=9, backoff_seconds=5)
# A transcription that fails on its own (not the audio) three times will not succeed
# by itself: it goes to an operator.
TRANSCRIPTION = Stage("transcription", max_attempts=3, backoff_seconds=10)

# An empty body (0 bytes, a WAV header without samples) may be a file Twilio has not
# finished: two quick retries, then it fails for good.
EMPTY_RETRIES = 2
EMPTY_BACKOFF_SECONDS = 5


class Reason(enum.Enum):
    """Why a stage gave up, in Indonesian: operators read it on the ticket, and a
    reporter who wrote by message is told a failed download's reason. ``detail`` is the
    download's or the byte check's own message."""

    # The download stage.
    GAVE_UP = "{detail} (dicoba {n} kali)"
    NOT_DOWNLOADED = "tidak dapat diunduh: {detail}"
    # The transcription stage; the first five are ``speech.AudioError`` reasons.
    EMPTY = "rekaman kosong"
    SILENT = "rekaman tidak berisi suara"
    CORRUPT = "berkas rekaman rusak atau tidak dapat dibaca"
    TOO_LONG = "rekaman terlalu panjang untuk ditranskripsi otomatis"
    UNSUPPORTED = "format rekaman tidak didukung"
    ENGINE = "mesin transkripsi gagal: {detail}"
    # Either stage: the attempts ran out without an answer (a worker killed each time).
    EXHAUSTED = "dicoba {n} kali tanpa hasil (pekerja {stage} berhenti di tengah jalan)"

    def text(self, **values: object) -> str:
        return self.value.format(**values)

    @classmethod
    def of_audio(cls, reason: str) -> str:
        """The text for a ``speech.AudioError`` reason (the code itself if unknown)."""
        found = _AUDIO.get(reason)
        return found.text() if found else reason


_AUDIO = {r.name.lower(): r for r in (Reason.EMPTY, Reason.SILENT, Reason.CORRUPT,
                                      Reason.TOO_LONG, Reason.UNSUPPORTED)}


def exhausted(stage: Stage) -> str:
    worker = "unduhan" if stage is DOWNLOAD else "transkripsi"
    return Reason.EXHAUSTED.text(n=stage.max_attempts, stage=worker)
