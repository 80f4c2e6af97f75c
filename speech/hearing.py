"""Whether a transcript heard anyone speak.

A recogniser always returns something. On a recording of silence, line noise or hold
music Whisper writes nothing, filler ("eh", "hmm"), a tag ("[musik]", "(tepuk tangan)"),
the closing lines of the videos it learnt from ("terima kasih sudah menonton", "jangan
lupa subscribe") or the same words over and over (a decoding loop). None of that is a
complaint: :func:`no_speech` names which it is, so the ticket asks a person to listen
("tidak terdengar ucapan") instead of passing as transcribed.
"""

from __future__ import annotations

import re

# Sounds and fillers: what is said when nothing is said.
FILLERS = frozenset("""
a ah aah ahh eh ehm em emm eem hm hmm hmmm mm mmm mhm uh uhm um umm oh ooh ya yah iya
ha hah haha hehe he heh hei hai halo hallo helo alo aduh nah lah deh dong sih kok tes
test testing ok oke okay nggak ngga tidak gak enggak
""".split())
# What Whisper writes on silence and music, learnt from video subtitles (Indonesian and
# English), as words after normalisation.
HALLUCINATIONS = (
    "terima kasih", "makasih", "terima kasih sudah menonton", "terima kasih telah menonton",
    "terima kasih atas perhatiannya", "terima kasih telah mendengarkan",
    "sampai jumpa", "sampai jumpa lagi", "sampai jumpa di video berikutnya",
    "jangan lupa subscribe", "jangan lupa like dan subscribe", "like dan subscribe",
    "like share dan subscribe", "subscribe", "subtitle", "subtitle oleh", "disubtitle oleh",
    "terjemahan oleh", "diterjemahkan oleh", "musik", "suara musik", "tepuk tangan", "tertawa",
    "thank you", "thanks for watching", "thank you for watching", "please subscribe",
    "music", "applause", "silence", "bye", "selamat menonton",
    "assalamualaikum", "waalaikumsalam", "wassalamualaikum", "amin",
)
_TAG = re.compile(r"[\[(*♪♫][^\])*♪♫]{0,40}[\])*♪♫]|[♪♫]")
_WORD = re.compile(r"[0-9a-z]+")
# A decoding loop: some run of 2-8 words repeated back to back at least this many times
# (one word: twice as many), covering at least half of the transcript.
LOOP_REPEATS = 4
LOOP_SHARE = 0.5

EMPTY, NOISE, LOOP = "kosong", "hanya bunyi atau kata pengisi", "pengulangan kata (loop)"


def _words(text: str) -> list[str]:
    return _WORD.findall(_TAG.sub(" ", text.lower()))


def _only_noise(words: list[str]) -> bool:
    """Every word is a filler or part of a hallucinated phrase."""
    phrases = sorted((p.split() for p in HALLUCINATIONS), key=len, reverse=True)
    i = 0
    while i < len(words):
        if words[i] in FILLERS:
            i += 1
            continue
        for p in phrases:
            if words[i:i + len(p)] == p:
                i += len(p)
                break
        else:
            return False
    return True


def longest_loop(words: list[str], max_n: int = 8) -> tuple[int, int]:
    """(n, repeats) of the n-gram repeated back to back most often, covering the most
    words."""
    best = (0, 0)
    for n in range(1, max_n + 1):
        i = 0
        while i + 2 * n <= len(words):
            reps = 1
            while words[i + reps * n:i + (reps + 1) * n] == words[i:i + n]:
                reps += 1
            if reps > 1 and reps * n > best[0] * best[1]:
                best = (n, reps)
            i += max(1, (reps - 1) * n) if reps > 1 else 1
    return best


def no_speech(text: str | None) -> str | None:
    """Why ``text`` is not speech (:data:`EMPTY`, :data:`NOISE`, :data:`LOOP`), or None
    when someone said something."""
    words = _words(text or "")
    if not words:
        return EMPTY
    if _only_noise(words):
        return NOISE
    n, reps = longest_loop(words)
    # One word said again and again may be a caller ("tolong tolong tolong"): twice as many.
    need = LOOP_REPEATS if n > 1 else 2 * LOOP_REPEATS
    if reps >= need and n * reps >= LOOP_SHARE * len(words):
        return LOOP
    return None
