"""What text the product accepts, decided once (docs/security.md).

Every value a person or a client typed passes :func:`clean_text` (free text: complaints,
answers, notes) or :func:`clean_name` (one line: names, addresses, titles, labels,
settings) where it enters. Both drop the characters that no output may carry, and
refuse an over-long value with an Indonesian message naming the field; nothing is cut
silently. Twilio's own fields, which no user can correct, take :func:`printable` and
:func:`one_line` and are cut to fit.

Every writer (XLSX, CSV, XML, Atom, TwiML, SMS, e-mail) applies :func:`printable` on its
own as well, so text stored before this rule, or by a path that forgot it, cannot break
an output either.

Dropped everywhere: the C0 controls but tab and newline (a carriage return becomes a
newline), DEL, the C1 controls, surrogates and the Unicode noncharacters (U+FFFE, U+FFFF
and their kin). XML 1.0 forbids most of them outright (an XLSX is XML, so does openpyxl),
PostgreSQL stores no NUL, and none is anything a person meant to write. The controls
that act as line or field breaks (VT, FF, FS, GS, RS, US, NEL) become a space rather than
gluing two words together.

In one-line values, bidi embedding, override and isolate controls (U+202A-U+202E,
U+2066-U+2069) are dropped too: a name sits inside sentences (an SMS, an audit line, a
spreadsheet header), and an unterminated right-to-left override there reverses what
follows it. Free text keeps them: its effect ends with its paragraph or cell, and text
quoted from a right-to-left script may need them.
"""

from __future__ import annotations

import re

from tickets.errors import InvalidInput

MAX_NAME = 200

_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
_DROPPED = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff" + _NONCHARACTERS + "]")
# A run of them, with the spaces around it, is one space.
_AS_SPACE = re.compile(" *[\x0b\x0c\x1c-\x1f\x85]+ *")
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def printable(value: str | None) -> str:
    """``value`` without the characters no output may carry; line breaks as ``\\n``.

    The writers' filter: it never refuses and never trims, so what a person wrote is
    kept as far as any output can carry it."""
    if not value:
        return ""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii() and text.isprintable():
        return text  # the common case, without a regex
    return _AS_SPACE.sub(" ", _DROPPED.sub("", text))


def one_line(value: str | None, max_len: int | None = None) -> str:
    """:func:`printable`, without bidi controls, every run of white space one space; cut
    to ``max_len`` (for fields the sender cannot correct), never ending in a space."""
    text = " ".join(_BIDI_CONTROLS.sub("", printable(value)).split())
    return text if max_len is None else text[:max_len].rstrip()


def _multi_line(value: str | None) -> str:
    lines = printable(value).split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def clean_text(value: str | None, *, field: str, max_len: int, label: str = "Teks",
               multiline: bool = True) -> str:
    """The accepted form of a typed value ("" when empty), or ``InvalidInput(field)``
    when it is longer than ``max_len`` characters once cleaned.

    ``multiline`` keeps line breaks and tabs (trailing spaces of each line and blank
    lines at either end go); otherwise the value is :func:`one_line`. ``label`` names
    the field in the message (``"Uraian"``, ``"Nama pelapor"``)."""
    text = _multi_line(value) if multiline else one_line(value)
    if len(text) > max_len:
        raise InvalidInput(field, f"{label} terlalu panjang (maksimal {max_len} karakter; "
                                  f"yang diisi {len(text)}).")
    return text


def clean_name(value: str | None, *, field: str, max_len: int = MAX_NAME,
               label: str = "Nama") -> str:
    """A one-line value: a name, an address, a title, a label, a setting."""
    return clean_text(value, field=field, max_len=max_len, label=label, multiline=False)
