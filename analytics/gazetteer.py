"""Finding a kecamatan and desa/kelurahan in a complaint's text, without a database.

The gazetteer is plain data (:class:`Entry` rows, from the ``places`` table or straight
from a CSV such as the demo's ``analytics/data/polewali_mandar.csv``), so the command line
reads it in milliseconds and :mod:`analytics.places` builds one from its rows.

What a name must survive, and how:

* recognition errors one letter off on names of 5 letters or more (``near``), and two
  words written as one (``Sido Rejo``), by :mod:`analytics.matching`;
* errors two letters off that *sound* the same (``batetanga`` for Batetangnga,
  ``wonomolyo`` for Wonomulyo, ``tinambun`` for Tinambung): a word (or two words
  joined) whose Indonesian sound key (:func:`sound_key`) or whose metaphone of that key
  (jellyfish) is the name's, at most two edits away (rapidfuzz), on names of 6 letters or
  more, and never an ordinary word of the dictionary;
* the regency is not a kecamatan: "Kabupaten Polewali Mandar", "Polewali Mandar",
  "Polman", "kantor bupati", "pemkab" name the regency (:attr:`Match.regency`), so the
  kecamatan Polewali is not read into them; any name right after "kabupaten" is the
  regency's;
* a name that is also a common word (``Baru``, ``Batu``, ``Paku``) counts after a cue
  (``desa``, ``kelurahan``, ``dusun``...), or without one when a kecamatan that holds
  such a desa is named in the same text and the word stands where a place does (after
  ``di``/``ke``/``dari``..., or just before the kecamatan's name).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jellyfish
from rapidfuzz.distance import Levenshtein

from analytics import matching
from analytics.text import Token, is_word, tokens

KEC_CUES = frozenset({"kecamatan", "kec", "distrik"})
DESA_CUES = frozenset({"desa", "kelurahan", "kel", "kampung", "dusun", "lingkungan", "dsn"})
# Words after which a common word stands as a place ("di Batu", "ke Paku").
PLACE_WORDS = frozenset({"di", "ke", "dari", "daerah", "wilayah", "sekitar", "arah", "dekat",
                         "warga", "masyarakat", "penduduk"})
REGENCY_CUES = frozenset({"kabupaten", "kab", "pemkab", "pemda", "kabupatennya"})
# Phrases that name the regency's government, not a place in it.
REGENCY_PHRASES = ("kantor bupati", "rumah jabatan bupati", "rujab bupati", "bupati",
                   "pemerintah kabupaten", "pemerintah daerah", "pemkab", "pemda",
                   "kantor daerah", "sekretariat daerah", "setda")
# The demo regency's own names (analytics/data/polewali_mandar.csv); a database
# gazetteer adds them when it holds their kecamatan (see :func:`regency_names`).
DEMO_REGENCY = ("Polewali Mandar", "Polman")
DEMO_PLACES = Path(__file__).with_name("data") / "polewali_mandar.csv"
SOUND_MIN_LENGTH = 6
_GOVERNMENT = re.compile(r"\b(pemerintah|pemkab|pemkot|kabupaten|kota|kab|layanan|pengaduan|"
                         r"masyarakat|call|center|centre|halo)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str  # "kecamatan" | "desa"
    name: str
    aliases: tuple[str, ...] = ()
    parent_id: int | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Match:
    kecamatan: Entry | None
    desa: Entry | None
    heard: str
    regency: bool = False  # the text names the regency (no kecamatan in it)


# --- sound -------------------------------------------------------------------------------

_SOUND_RULES = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("ng", "n"), ("ny", "n"),
                ("kh", "k"), ("q", "k"), ("x", "ks"), ("v", "f"), ("z", "s"), ("y", "i"),
                ("o", "u"), ("e", "i"))


@lru_cache(maxsize=20_000)
def sound_key(word: str) -> str:
    """An Indonesian sound key: what a recogniser writes differently for the same sounds
    folds together (``ng``/``n``, ``o``/``u``, ``e``/``i``, old spellings ``oe``/``dj``,
    a silent ``h`` inside a word, doubled letters): ``Batetangnga`` and ``batetanga``
    give ``batitana``; ``Wonomulyo`` and ``wonomolyo`` give ``wunumului``."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return ""
    w = w[0] + w[1:].replace("h", "")
    for old, new in _SOUND_RULES:
        w = w.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", w)


def sounds_like(heard: str, name: str) -> bool:
    """``heard`` is ``name`` misrecognised by up to two letters that sound alike."""
    heard, name = heard.lower(), name.lower()
    if heard == name or min(len(heard), len(name)) < SOUND_MIN_LENGTH:
        return heard == name
    if heard[0] != name[0] or abs(len(heard) - len(name)) > 2:
        return False
    if Levenshtein.distance(heard, name, score_cutoff=2) > 2:
        return False
    if is_word(heard):
        return False
    a, b = sound_key(heard), sound_key(name)
    return a == b or jellyfish.metaphone(a) == jellyfish.metaphone(b)


# --- the gazetteer ---------------------------------------------------------------------

def _common(name: str) -> bool:
    """Every word of the name is an ordinary word (``Baru``, ``Kelapa Dua``)."""
    return all(is_word(w) or w.isdigit() or len(w) < 4 for w in name.lower().split())


def regency_names(agency_name: str, kecamatan: Iterable[str] = ()) -> list[str]:
    """The regency's names: the agency's name without government words ("Pemerintah
    Kabupaten Polewali Mandar" -> "Polewali Mandar"), and the demo regency's names when
    its kecamatan are in the gazetteer."""
    names = []
    bare = " ".join(_GOVERNMENT.sub(" ", agency_name).split())
    if bare and bare.lower() != "contoh":
        names.append(bare)
    if "polewali" in {k.lower() for k in kecamatan}:
        names += list(DEMO_REGENCY)
    return list(dict.fromkeys(names))


@dataclass
class Gazetteer:
    entries: Sequence[Entry]
    regency: Sequence[str] = DEMO_REGENCY
    _by_id: dict[int, Entry] = field(init=False, repr=False)
    _by_phrase: dict[str, list[Entry]] = field(init=False, repr=False)
    _wanted: list[matching.Phrase] = field(init=False, repr=False)
    _regency: list[matching.Phrase] = field(init=False, repr=False)
    _by_sound: dict[str, list[tuple[str, Entry]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {e.id: e for e in self.entries}
        self._by_phrase = {}
        self._by_sound = {}
        for entry in self.entries:
            for name in entry.names:
                p = matching.phrase(name, derived=False)
                if p is None:
                    continue
                self._by_phrase.setdefault(p.text, []).append(entry)
                joined = p.text.replace(" ", "")
                if len(joined) >= SOUND_MIN_LENGTH and not _common(p.text):
                    self._by_sound.setdefault(sound_key(joined), []).append((p.text, entry))
        self._wanted = [p for p in (matching.phrase(n, derived=False)
                                    for n in self._by_phrase) if p]
        self._regency = matching.phrases([*self.regency, *REGENCY_PHRASES], derived=False)

    @classmethod
    def from_csv(cls, path: Path = DEMO_PLACES, regency: Sequence[str] = DEMO_REGENCY
                 ) -> Gazetteer:
        """Rows ``kecamatan,desa,kode_pos,alias`` (the import format), ``Name (Other)``
        keeping the other spelling as an alias, as ``hotline places import`` reads them."""
        entries: list[Entry] = []
        kecamatan: dict[str, Entry] = {}
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                kec_name, kec_aliases = _split(row.get("kecamatan") or "")
                if not kec_name:
                    continue
                kec = kecamatan.get(kec_name.lower())
                if kec is None:
                    kec = Entry(len(entries) + 1, "kecamatan", kec_name, kec_aliases)
                    kecamatan[kec_name.lower()] = kec
                    entries.append(kec)
                desa_name, desa_aliases = _split(row.get("desa") or "")
                if desa_name:
                    extra = tuple(a.strip() for a in (row.get("alias") or "").split("|")
                                  if a.strip())
                    entries.append(Entry(len(entries) + 1, "desa", desa_name,
                                         desa_aliases + extra, kec.id))
        return cls(entries, regency)

    def parent(self, entry: Entry) -> Entry | None:
        return self._by_id.get(entry.parent_id) if entry.parent_id else None

    # --- finding ---

    def _sound_hits(self, toks: Sequence[Token], taken: set[int]
                    ) -> list[matching.Hit]:
        """Words (and pairs of words written apart) that sound like a name."""
        hits = []
        for i in range(len(toks)):
            for n in (2, 1):
                if i + n > len(toks) or taken & set(range(i, i + n)):
                    continue
                heard = "".join(t.base for t in toks[i:i + n])
                if len(heard) < SOUND_MIN_LENGTH or (n == 1 and is_word(heard)):
                    continue
                for phrase_text, _entry in self._by_sound.get(sound_key(heard), []):
                    if sounds_like(heard, phrase_text.replace(" ", "")):
                        hits.append(matching.Hit(phrase_text, i, i + n, ""))
                        break
                else:
                    continue
                break
        return hits

    def find(self, text: str) -> Match | None:
        toks = tokens(text)
        if not toks:
            return None
        norms = [t.norm for t in toks]
        # The regency's names and its government: their words are no kecamatan.
        regency_spans: list[tuple[int, int]] = [
            (h.start, h.end) for h in matching.find(toks, self._regency)]
        taken: set[int] = {i for s, e in regency_spans for i in range(s, e)}
        found = matching.find(toks, self._wanted)
        found += self._sound_hits(toks, taken | {i for h in found for i in range(h.start, h.end)})
        kec_hits: list[tuple[int, Entry, str]] = []
        desa_hits: list[tuple[int, list[Entry], str]] = []
        maybe_desa: list[tuple[int, int, list[Entry], str]] = []  # common words, no cue
        # Longer names first, so "Padang Timur" wins over "Padang" at the same place; a name
        # written exactly before one a letter off ("Patampanua", not "Patambanua").
        def exact(h: matching.Hit) -> bool:
            return " ".join(norms[h.start:h.end]) == h.phrase

        for hit in sorted(found, key=lambda h: (h.start - h.end, not exact(h), h.start)):
            span = set(range(hit.start, hit.end))
            if span & taken:
                continue
            cue = norms[hit.start - 1] if hit.start > 0 else ""
            if cue in REGENCY_CUES:  # "Kabupaten Polewali Mandar": the regency's name
                taken |= span
                regency_spans.append((hit.start, hit.end))
                continue
            heard = text[toks[hit.start].start:toks[hit.end - 1].end]
            candidates = self._by_phrase[hit.phrase]
            kecs = [p for p in candidates if p.kind == "kecamatan"]
            desas = [p for p in candidates if p.kind == "desa"]
            if cue not in KEC_CUES | DESA_CUES and _common(hit.phrase):
                # Two ordinary words together after "di", "warga"... are a place ("di
                # Galung Lombok"); one ("di Batu") only where its kecamatan is named.
                if not (desas and cue in PLACE_WORDS and " " in hit.phrase):
                    if desas:
                        maybe_desa.append((hit.start, hit.end, desas, heard))
                    continue
            if kecs and cue not in DESA_CUES:
                kec_hits.append((hit.start, kecs[0], heard))
            if desas and cue not in KEC_CUES:
                desa_hits.append((hit.start, desas, heard))
            taken |= span
        named_kec = {p.id for _, p, _ in kec_hits}
        kec_at = {i for i, _, _ in kec_hits}
        for start, end, desas, heard in maybe_desa:
            inside = [d for d in desas if d.parent_id in named_kec]
            before = norms[start - 1] if start > 0 else ""
            after = norms[end] if end < len(norms) else ""
            placed = (before in PLACE_WORDS or end in kec_at
                      or (after in KEC_CUES and end + 1 in kec_at))
            if inside and placed:
                desa_hits.append((start, inside, heard))
        for _, desas, heard in sorted(desa_hits, key=lambda h: h[0]):
            inside = [d for d in desas if d.parent_id in named_kec] if named_kec else desas
            if not inside and len(desas) == 1:  # its own name: another kecamatan named too
                inside = desas
            if len(inside) == 1:
                return Match(self.parent(inside[0]), inside[0], heard)
        if kec_hits:
            _, kec, heard = min(kec_hits, key=lambda h: h[0])
            return Match(kec, None, heard)
        if regency_spans:
            start, end = min(regency_spans)
            return Match(None, None, text[toks[start].start:toks[end - 1].end], regency=True)
        return None


def _split(raw: str) -> tuple[str, tuple[str, ...]]:
    """``Alu (Allu)`` -> ("Alu", ("Allu",)); other spellings separated by ``/``."""
    text = " ".join(raw.split())
    if text.endswith(")") and "(" in text:
        head, _, rest = text.partition("(")
        return head.strip(), tuple(a.strip() for a in rest.rstrip(")").split("/") if a.strip())
    return text, ()
