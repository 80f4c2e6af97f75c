"""Hostile text for every inbound field: arbitrary Unicode, the characters the product
drops, formula starts, markup and format strings, and very long strings."""

from __future__ import annotations

from hypothesis import strategies as st

FORMULAS = ('=HYPERLINK("http://contoh.invalid/x","Klik")', "=1+1", "+62 812 3456", "-2+3",
            "@SUM(A1:A9)", "\t=1", "\r=cmd|' /C calc'!A0", " =1", "=", "-")
# Controls (every C0, DEL, some C1), noncharacters, bidi overrides and isolates, line and
# paragraph separators, zero-width characters, a BOM.
ODD = (*(chr(c) for c in range(0x20)), "\x7f", "\x80", "\x85", "\x9b", "\x9f", "\ufffe",
       "\uffff", "\ufdd0", "\U0001fffe", "\U0010ffff", "\u202a", "\u202e", "\u2066", "\u2069",
       "\u2028", "\u2029", "\u200b", "\u200f", "\ufeff", "\r\n")
WORDS = ("Jalan", "rusak", "Budi Santoso", "Desa Sukamaju", "&amp;", "<b>x</b>", "]]>",
         "<!--", "'", '"', "{agency}", "{0}", "%s", "\\", "é", "ي", "中文", "😀",
         "STATUS 12345678", "SELESAI", "BATAL", "MENU", "1", "0812-3456-7890")

_PIECE = st.one_of(st.sampled_from(FORMULAS), st.sampled_from(ODD), st.sampled_from(WORDS),
                   st.text(st.characters(codec="utf-8"), max_size=6))
_SHORT = st.lists(_PIECE, max_size=10).map("".join)


def _repeat(piece: str, length: int) -> str:
    return (piece * (length // len(piece) + 1))[:length]


def very_long() -> st.SearchStrategy[str]:
    """A short hostile piece repeated past every cap the product sets (the longest is
    10,000 characters; the XLSX cell limit has its own unit test)."""
    return st.builds(_repeat, _SHORT.filter(bool), st.integers(min_value=150, max_value=12_000))


def hostile(*, surrogates: bool = False, long: bool = True) -> st.SearchStrategy[str]:
    """A hostile string, one time in three :func:`very_long` unless ``long`` is False.
    ``surrogates`` adds lone surrogates, which no form encoding can carry (UTF-8 has no
    code for them), for the functions that take any ``str``."""
    alphabet = st.characters() if surrogates else st.characters(codec="utf-8")
    parts = [st.text(alphabet, max_size=40), _SHORT, *([very_long()] if long else [])]
    if surrogates:
        parts.append(st.lists(st.one_of(_PIECE, st.sampled_from(("\ud800", "\udfff"))),
                              max_size=10).map("".join))
    return st.one_of(*parts)


def phone() -> st.SearchStrategy[str]:
    """A sender of its own per example (the conversation's flood limit is per sender)."""
    return st.integers(min_value=0, max_value=9_999_999).map(lambda n: f"+62812{n:07d}")


def or_valid(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A field with its own syntax (a phone number, an e-mail address, a coordinate): a
    valid value, empty, or hostile, so that the other fields' text is filed as often as
    it is refused."""
    return st.one_of(valid, st.just(""), hostile())


def valid_phone() -> st.SearchStrategy[str]:
    return st.sampled_from(["0812-3456-7890", "+6281234567890", "62 812 3456 7890"])


def valid_email() -> st.SearchStrategy[str]:
    return st.sampled_from(["warga@contoh.id", "Budi.Santoso+lapor@pemkab.example.id"])


def coordinate() -> st.SearchStrategy[str]:
    return st.floats(min_value=-90, max_value=90).map(lambda f: f"{f:.6f}")


def filled() -> st.SearchStrategy[str]:
    """Hostile text around a word, for a required field: hostile text alone is often
    empty once cleaned, and then only the "required" check would ever run."""
    return st.builds(lambda before, word, after: before + word + after, hostile(long=False),
                     st.sampled_from(WORDS), hostile(long=False))


@st.composite
def hostile_form(draw: st.DrawFn, fields: tuple[str, ...], *, optional: bool = False,
                 required: tuple[str, ...] = ()) -> dict[str, str]:
    """Hostile values for ``fields`` (each one present or not, if ``optional``; the
    ``required`` ones :func:`filled`), at most one of them very long: a form with every
    field over its cap would test only the first check, and one over-long field is
    refused as surely as five."""
    if optional:
        names = draw(st.lists(st.sampled_from(fields), unique=True))
    else:
        names = list(fields)
    form = {name: draw(filled() if name in required else hostile(long=False))
            for name in names}
    if names and (name := draw(st.sampled_from([None, *names]))) is not None:
        form[name] = draw(very_long())
    return form
