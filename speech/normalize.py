"""Indonesian number spelling and the text normalisation used for scoring.

Reference transcripts are in spoken form ("satu juta tujuh ratus ribu rupiah"), while
Whisper writes numbers as digits ("Rp1.700.000"). Scoring both sides after the same
normalisation measures recognition, not orthography.
"""

from __future__ import annotations

import re
import unicodedata

_ONES = [
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
]  # fmt: skip
_SCALES = [(10**9, "miliar"), (10**6, "juta"), (10**3, "ribu")]
MAX_NUMBER = 999_999_999_999


def angka_ke_kata(n: int) -> str:
    """Spell a whole number 0..999 999 999 999 in Indonesian words.

    >>> angka_ke_kata(123)
    'seratus dua puluh tiga'
    >>> angka_ke_kata(1011)
    'seribu sebelas'
    """
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"{n} is outside 0..{MAX_NUMBER}")
    if n == 0:
        return "nol"
    parts: list[str] = []
    for value, name in _SCALES:
        count, n = divmod(n, value)
        if count:
            # 1000 is "seribu", but 1 000 000 is "satu juta".
            parts.append(
                "seribu" if value == 1000 and count == 1 else f"{_below_1000(count)} {name}"
            )
    if n:
        parts.append(_below_1000(n))
    return " ".join(parts)


def _below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts: list[str] = []
    if hundreds:
        parts.append("seratus" if hundreds == 1 else f"{_ONES[hundreds]} ratus")
    if rest:
        tens, ones = divmod(rest, 10)
        if rest < 10:
            parts.append(_ONES[rest])
        elif rest == 10:
            parts.append("sepuluh")
        elif rest == 11:
            parts.append("sebelas")
        elif tens == 1:
            parts.append(f"{_ONES[ones]} belas")
        else:
            parts.append(f"{_ONES[tens]} puluh" + (f" {_ONES[ones]}" if ones else ""))
    return " ".join(parts)


def digits_to_words(digits: str) -> str:
    """Digit by digit, as phone and ticket numbers are read: '0812' -> 'nol delapan satu dua'."""
    return " ".join(_ONES[int(d)] for d in digits if d.isdigit())


# Numbers read digit by digit: a leading zero (phone numbers, "0812...") or long strings.
_DIGIT_STRING_MIN = 5

_CURRENCY = re.compile(r"\brp\.?\s*(\d(?:[\d.,]*\d)?)", re.IGNORECASE)
_THOUSANDS = re.compile(r"\b\d{1,3}(?:\.\d{3}){1,3}\b(?!,\d)")
# A phone number in groups ("0812 3456 789", "0812-3456-789", "+62 812 ..."): every group
# is read digit by digit, not only the first one with its leading zero.
_PHONE = re.compile(r"(?:\+62|\b0\d{2,4})(?:[\s-]?\d{2,}){1,4}\b")
# "2,1,2,2,4,5": Whisper's way of writing a digit-by-digit number; never a decimal.
_DIGIT_LIST = re.compile(r"\b\d+(?:,\s?\d+){2,}\b")
_DECIMAL = re.compile(r"\b(\d+),(\d+)\b")
_NUMBER = re.compile(r"\d+")


def spell_numbers(text: str) -> str:
    """Replace every number in `text` by Indonesian words.

    Thousands separators are dots ("1.750.000"), the decimal mark is a comma ("2,5" ->
    "dua koma lima"), "Rp" moves after the amount, and "%" becomes "persen".
    """
    text = _CURRENCY.sub(r"\1 rupiah", text)
    text = text.replace("%", " persen")
    text = _DIGIT_LIST.sub(lambda m: re.sub(r",\s?", " ", m.group(0)), text)
    text = _PHONE.sub(lambda m: digits_to_words(m.group(0)), text)
    text = _THOUSANDS.sub(lambda m: angka_ke_kata(int(m.group(0).replace(".", ""))), text)
    text = _DECIMAL.sub(
        lambda m: f"{_spell_int(m.group(1))} koma {digits_to_words(m.group(2))}", text
    )
    return _NUMBER.sub(lambda m: _spell_int(m.group(0)), text)


def _spell_int(digits: str) -> str:
    if (len(digits) > 1 and digits.startswith("0")) or len(digits) >= _DIGIT_STRING_MIN:
        return digits_to_words(digits)
    value = int(digits)
    return angka_ke_kata(value) if value <= MAX_NUMBER else digits_to_words(digits)


# Spoken zero has two forms in Indonesian ("nol", "kosong" as in telephone numbers);
# scoring treats them as the same word.
_EQUIVALENT = {"kosong": "nol"}


def normalize_for_scoring(text: str) -> str:
    """Lowercase, numbers spelled out, punctuation stripped, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = spell_numbers(text)
    # Hyphens join reduplications ("kayu-kayu"); treat them as spaces on both sides.
    text = re.sub(r"[^\w\s]|_", " ", text)
    words = [_EQUIVALENT.get(w, w) for w in text.split()]
    return " ".join(words)
