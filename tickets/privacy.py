"""Private stays private: what of an anonim ticket leaves the call centre, and how.

The pokja, the partner institutions it asks, every export (LAPOR!, CSV, XLSX), the
public site and Open311 read a ticket beyond the call centre. For an anonim ticket they
never read the reporter's name or number, the recording (unless the operator opens it to
the pokja) or the machine transcript; the texts they do read pass through
:func:`outward`, which masks what identifies the reporter:

- what the caller said of themselves, found by :func:`find_self_identification` in the
  transcript, the messages and the verified description ("nama saya Budi Santoso",
  "saya ibu Hasnah dari desa ...", "dengan pak Rahman", a phone number, a NIK);
- the reporter's name as recorded (a WhatsApp profile name, a name typed at the desk) and
  their phone number;
- the operator's corrections (:class:`~tickets.models.TicketPrivacy`): phrases added,
  found names kept as not identifying, or the outward description written by hand.

The proposal is computed, never stored, so it follows the texts as they change; only
the operator's corrections are stored. :func:`identifying_problem` and
:func:`require_anonymised` are the older safety net of the forward: the description itself
must not name the reporter as recorded or quote the transcript word for word.

The finder reads text as the speech engines and messages deliver it: lower case without
punctuation as often as not, with recognition errors ("nama sya", "nama sayah"), and
regional ways of saying it (Javanese "nami kula", Sundanese "abdi", Kupang "beta",
Papuan "sa pu nama"). A name is read after a cue and ends at the first word that is not
a name: a function word, a verb, an office ("pak RT", "bu lurah"), a place word. A weak
cue ("saya Rudi dari RW 5", "ini Wati dari dusun") needs the word after the name to
confirm it ("dari", "umur", "warga", "RT" ...), so "saya pulang dari pasar" is no name.
Every further mention of a found name in the same text is masked too. Measured on the
labelled texts in ``tests/tickets/data`` (``benchmarks/privacy.py``, docs/privacy.md).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, NamedTuple

from tickets.errors import InvalidInput
from tickets.models import Ticket

NAME = "nama"
NUMBER = "nomor"

_TOKEN = re.compile(r"\w+", re.UNICODE)

# "I" in the ways callers say it, and what recognisers make of "saya" after "nama".
_SELF = frozenset({"saya", "sya", "sy", "saia", "sayah", "saye", "aku", "gue", "gua", "gw",
                   "ane", "beta", "kula", "abdi", "tiang"})
_SELF_AFTER_NAME = _SELF | {"saja", "sayang", "sa", "ku", "kami"}
_NAME_WORDS = frozenset({"nama", "nma", "namah", "nami", "asma"})
_NAME_FUSED = frozenset({"namaku", "namasaya", "namaq", "namasya"})
_OWN = frozenset({"pu", "pung", "punya", "puny"})  # Papuan/Kupang "sa pu nama"
_SELF_OWNING = _SELF | {"sa"}
_BEFORE_NAME = _NAME_WORDS | _OWN
# Honorifics and kin terms used as titles: skipped before a name, never part of it.
_TITLES = frozenset({
    "pak", "bapak", "bpk", "bp", "pa", "ibu", "bu", "ibuk", "buk", "bunda", "mas", "mbak",
    "mba", "kak", "kakak", "bang", "abang", "om", "tante", "teh", "teteh", "akang", "kang",
    "aa", "uda", "uni", "daeng", "bli", "mbok", "cak", "ning", "nyong", "nona", "mama",
    "mamak", "mace", "pace", "bung", "haji", "hajjah", "hajah", "hj", "ustad", "ustadz",
    "ustaz", "ustazah", "opung", "ompung", "oma", "opa", "nyai", "encik", "wak", "pakde",
    "bude", "eyang", "mbah", "saudara", "saudari", "sdr", "sdri"})
# After a title, an office or trade rather than a name ("pak RT", "bu guru", "pak tani").
_OFFICES = frozenset({
    "rt", "rw", "lurah", "camat", "kades", "kadus", "kepala", "ketua", "sekdes", "carik",
    "bupati", "walikota", "wali", "wakil", "gubernur", "dokter", "dr", "guru", "bidan",
    "mantri", "perawat", "polisi", "tentara", "babinsa", "satpam", "pendeta", "pastor",
    "tani", "petani", "nelayan", "sopir", "supir", "tukang", "dinas", "pegawai", "petugas",
    "pejabat", "kapolsek", "danramil", "kadis", "kabid", "kasi", "kepsek", "direktur",
    "dukuh", "bendahara", "sekretaris", "dewan", "anggota", "menteri", "presiden", "hakim",
    "jaksa", "imam", "modin", "kyai", "kiai", "operator", "admin", "pengurus", "pemilik",
    "kontraktor", "mandor", "dosen", "lurahnya", "camatnya", "rtnya", "rwnya",
    "kadesnya", "gurunya", "dokternya", "bidannya"})
# Words that end a name or show there was none: function words, verbs, places, fillers.
_STOP = frozenset("""
    adalah ialah yaitu yakni itu ini tersebut ya iya yah yak ok oke eh ehh ehm em hmm anu
    nah lho loh sih kok dong deh kan nih tuh mah lah pun ni toh kah wah ah
    dari dr dri saking ti asal di ke pada kepada untuk buat bagi dengan sama oleh tentang
    soal mengenai atas terhadap sejak sampai hingga dalam luar depan belakang samping
    dekat sebelah antara karena sebab agar supaya kalau kalo jika bila apabila walaupun
    meskipun tapi tetapi namun jadi maka lalu terus kemudian dan atau serta juga pula
    yang mau ingin pengen pingin hendak akan sedang lagi sudah udah udh dah telah belum
    blm tidak tak nggak ngga gak ga enggak engga bukan jangan masih pernah baru cuma
    hanya cuman saja aja sendiri sendirian biasa biasanya sering selalu kadang tetap
    bisa dapat dapet boleh harus perlu mesti wajib mungkin pasti tentu
    lapor melapor melaporkan laporan pelapor mengadu mengadukan pengaduan adukan komplain
    keluhan mengeluh mengeluhkan menyampaikan sampaikan disampaikan tanya nanya bertanya
    menanyakan tanyakan minta meminta mohon tolong bantu bantuan info informasi
    warga penduduk masyarakat orang rakyat tinggal bertempat berdomisili domisili alamat
    rumah jalan jln jl gang gg desa dusun kampung kampong kelurahan kecamatan kabupaten
    kota provinsi rt rw blok perumahan perum komplek kompleks lingkungan banjar dukuh
    distrik nagari jorong kelurahan pasar sekolah masjid kantor
    nomor no nmr hp wa telepon telpon telp tlp ponsel handphone umur usia tahun thn
    sebagai selaku yaitu punya pu pung pnya
    satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas belas puluh
    ratu ratus ribu pertama kedua ketiga
    kami kita mereka dia ia beliau kamu anda engkau kalian
    anak istri suami ayah bapaknya ibunya adik kakaknya nenek kakek keluarga tetangga
    teman kawan saudara
    selamat pagi siang sore malam assalamualaikum asalamualaikum salam halo hallo hai
    permisi maaf terima kasih makasih mohon izin
    pulang datang pergi lewat lihat liat melihat dengar mendengar kerja bekerja beli
    jual jualan berjualan dagang berdagang kurang kira pikir rasa merasa tahu tau kenal
    takut khawatir bingung kecewa senang sedih marah sakit susah capek lelah lahir asli
    ikut mengikuti ambil mengambil bawa membawa kirim mengirim terima menerima tunggu
    menunggu bicara berbicara ngomong bilang cerita telepon menelepon nelpon tidur makan
    sangat sekali banget amat benar betul bener memang emang cukup agak terlalu paling
    sekarang tadi kemarin besok nanti dulu lama baru sudah pribadi sebenarnya rencana
    langsung hampir nekat sempat malah justru bahkan coba segera cepat
    mahasiswa siswa pelajar petani nelayan pedagang buruh karyawan pegawai guru ibu bapak
    rumah tangga pengusaha pensiunan janda duda orangtua wali murid
    nama namanya nama-nama anu siapa apa mana kapan bagaimana gimana kenapa mengapa berapa
    setiap tiap semua para banyak sedikit beberapa seorang sebuah
    yg dgn utk krn tdk gk sdh blm jg aja sj bs""".split())
# Said after a name, these confirm a weak cue ("saya Rudi dari RW 5", "ini Wati dari").
_CONFIRM = frozenset({
    "dari", "dr", "dri", "saking", "ti", "asal", "umur", "usia", "tinggal", "warga", "rt",
    "rw", "ketua", "selaku", "yang", "pak", "bu", "bapak", "ibu", "mas", "mbak", "mba",
    "kak", "bang", "desa", "dusun", "kampung", "kelurahan", "kecamatan", "perumahan",
    "lingkungan", "banjar", "nomor", "no", "ini", "di", "mau", "ingin", "hendak", "badhe",
    "bade", "mo", "disini", "sini"})
_PLACES = frozenset({"rt", "rw", "desa", "dusun", "kampung", "kelurahan", "kel", "perumahan",
                     "perum", "komplek", "kompleks", "gang", "blok", "lingkungan", "banjar",
                     "dukuh", "kecamatan", "kec", "jalan", "jl", "jln", "distrik", "nagari",
                     "jorong", "kampong", "toko", "warung"})
_FROM = frozenset({"dari", "dr", "dri", "saking", "ti"})
# Inside a name only: "Siswanto bin Karto", "Ni Made Ayu", "I Gusti Ngurah".
_LINKS = frozenset({"bin", "binti", "al", "el", "van", "de", "dos"})
_NAME_STARTS = frozenset({"i", "ni"})
_INTRODUCE = frozenset({"perkenalkan", "kenalkan", "memperkenalkan", "kenalin"})
_CALLED = frozenset({"dipanggil", "panggil", "panggilan", "sapaan"})
_DIGIT_WORDS = {"nol": "0", "kosong": "0", "satu": "1", "dua": "2", "tiga": "3",
                "empat": "4", "lima": "5", "enam": "6", "tujuh": "7", "delapan": "8",
                "sembilan": "9"}
MAX_NAME_WORDS = 4
_INFLECTED = ("nya", "kan", "lah", "kah")


@dataclass(frozen=True)
class Span:
    """``text[start:end]`` identifies the reporter: a ``nama`` or a ``nomor``."""

    start: int
    end: int
    kind: str


class _Tok(NamedTuple):
    norm: str
    start: int
    end: int
    line: int  # which line of the text (a message form's "Nama:" starts a line)


def _tokens(text: str) -> list[_Tok]:
    out, line, pos = [], 0, 0
    for m in _TOKEN.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        out.append(_Tok(m.group().lower(), m.start(), m.end(), line))
    return out


def _is_name_word(tok: _Tok, weak: bool) -> bool:
    w = tok.norm
    if not w.isalpha() or w in _STOP or w in _SELF or w in _TITLES or w in _OFFICES:
        return False
    if len(w) < 2 and w not in _NAME_STARTS:
        return False
    if len(w) >= 6 and w.endswith(_INFLECTED):  # "pokoknya", "sampaikan": never a name
        return False
    return not (weak and _derived(w))


@cache
def _stemming() -> tuple[Any, frozenset[str]]:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    factory = StemmerFactory()
    return factory.create_stemmer(), frozenset(factory.get_words())


@lru_cache(maxsize=20_000)
def _derived(word: str) -> bool:
    """A word made from an Indonesian root by affixes (pendatang, terpaksa, katanya): no
    name after a weak cue. Names stay whole under the stemmer (Megawati, Kurniawan)."""
    if len(word) < 5:
        return False
    stemmer, roots = _stemming()
    root = str(stemmer.stem(word))
    return root != word and root in roots


def _name_at(toks: Sequence[_Tok], i: int, *, weak: bool, titles: bool = True,
             strict: bool = False) -> range:
    """The name starting at token ``i`` (after any titles); empty when there is none or,
    for a weak cue, when no confirming word follows it."""
    j = i
    while titles and j < len(toks) and toks[j].norm in _TITLES:
        j += 1
    if j < len(toks) and toks[j].norm in _OFFICES:
        return range(0)
    start = j
    while j < len(toks) and j - start < MAX_NAME_WORDS and toks[j].line == toks[start].line:
        tok = toks[j]
        ahead = j + 1 < len(toks) and _is_name_word(toks[j + 1], weak)
        if (_is_name_word(tok, weak) or (j > start and tok.norm in _LINKS and ahead)
                or (j == start and tok.norm in _NAME_STARTS and ahead)):
            j += 1
            continue
        break
    if j == start:
        return range(0)
    if weak and not _confirmed(toks, j, strict):
        return range(0)
    return range(start, j)


def _confirmed(toks: Sequence[_Tok], j: int, strict: bool) -> bool:
    """Whether the words from ``j`` on confirm that a weak cue's name was one. ``strict``
    (after an opening "ini", where "ini sampah dari pasar" is no name either) takes only a
    vocative title, "dari" with a place, or "warga"/RT/RW."""
    after = toks[j].norm if j < len(toks) else None
    then = toks[j + 1].norm if j + 1 < len(toks) else None
    if after == "anak":  # "gue Reza anak RT 7": slang for a resident of
        return then in _PLACES
    if strict:
        return (after in _TITLES or after in {"warga", "rt", "rw"}
                or (after in _FROM and then in _PLACES))
    return after in _CONFIRM


_GREETINGS = frozenset({"halo", "hallo", "hai", "ya", "iya", "yak", "selamat", "pagi", "siang",
                        "sore", "malam", "assalamualaikum", "asalamualaikum", "salam", "pak",
                        "bu", "permisi", "ok", "oke", "baik"})


def _greeting(toks: Sequence[_Tok], i: int) -> bool:
    """Whether token ``i`` opens the text or its line, or follows only a greeting."""
    j = i - 1
    while j >= 0 and toks[j].line == toks[i].line and toks[j].norm in _GREETINGS:
        j -= 1
    return j < 0 or toks[j].line != toks[i].line


def _skip_fillers(toks: Sequence[_Tok], i: int) -> int:
    while i < len(toks) and toks[i].norm in {"adalah", "ialah", "yaitu", "itu", "ya", "eh",
                                             "ehh", "ehm", "em", "anu", "teh", "tuh"}:
        i += 1
    return i


def _names(text: str, toks: Sequence[_Tok]) -> list[range]:
    found: list[range] = []
    n = len(toks)
    for i, tok in enumerate(toks):
        w = tok.norm
        nxt = toks[i + 1].norm if i + 1 < n else ""
        # "nama saya X", "namaku X", "nami kula X", "nama saya adalah X"
        if w in _NAME_WORDS and nxt in _SELF_AFTER_NAME:
            found.append(_name_at(toks, _skip_fillers(toks, i + 2), weak=False))
        elif w in _NAME_FUSED:
            found.append(_name_at(toks, _skip_fillers(toks, i + 1), weak=False))
        # "Nama: X" / "Nama : X" in a written message
        elif w in _NAME_WORDS and re.match(r"\s*:", text[tok.end:]):
            found.append(_name_at(toks, i + 1, weak=False))
        # "sa pu nama X", "saya punya nama X", "beta pung nama X"
        elif (w in _SELF_OWNING and nxt in _OWN and i + 2 < n
              and toks[i + 2].norm in _NAME_WORDS):
            found.append(_name_at(toks, _skip_fillers(toks, i + 3), weak=False))
        # "saya ibu Hasnah", "saya haji Abdul Karim" (a title makes the cue strong)
        elif w in _SELF and nxt in _TITLES:
            found.append(_name_at(toks, i + 1, weak=False))
        # "perkenalkan saya X", "kenalkan saya X"
        elif w in _INTRODUCE and nxt in _SELF:
            found.append(_name_at(toks, i + 2, weak=False))
        # "saya Rudi dari RW 5", "beta Yohanis dari", "abdi Ujang ti desa"
        elif w in _SELF and (i == 0 or toks[i - 1].norm not in _BEFORE_NAME):
            found.append(_name_at(toks, _skip_fillers(toks, i + 1), weak=True,
                                  titles=False))
        # "halo, dengan pak Rahman": a greeting's "dengan" names the speaker; later in a
        # sentence ("sudah bicara dengan pak Joko") it needs confirming like a weak cue
        elif w in {"dengan", "dgn"} and nxt in _TITLES:
            found.append(_name_at(toks, i + 1, weak=not _greeting(toks, i)))
        # "halo, ini pak Darmawan", "ini Wati dari dusun": only opening what is said
        elif w == "ini" and _greeting(toks, i):
            found.append(_name_at(toks, i + 1, weak=nxt not in _TITLES,
                                  titles=nxt in _TITLES, strict=True))
        # "atas nama Sri Wahyuni", "nama pelapor Sutarji"
        elif (w == "atas" and nxt in _NAME_WORDS) or (w in _NAME_WORDS and nxt == "pelapor"):
            found.append(_name_at(toks, _skip_fillers(toks, i + 2), weak=False))
        # "Pelapor: Sutarji" in a written message
        elif w == "pelapor" and re.match(r"\s*:", text[tok.end:]):
            found.append(_name_at(toks, i + 1, weak=False))
        # "biasa dipanggil Dedi", "panggil saja saya Ucok"
        elif w in _CALLED:
            j = i + 1
            while j < n and toks[j].norm in {"saja", "aja", "saya", "sy", "aku", "ku"}:
                j += 1
            found.append(_name_at(toks, j, weak=False))
    return [r for r in found if r]


def _numbers(toks: Sequence[_Tok]) -> list[Span]:
    """Phone and NIK numbers: a run of digit groups (or spoken digits) of 9 or more
    digits that starts like an Indonesian number (0…, 62…) or is a 16-digit NIK."""
    spans = []
    i = 0
    while i < len(toks):
        j, digits = i, ""
        while j < len(toks):
            w = toks[j].norm
            if w.isdigit():
                digits += w
            elif w in _DIGIT_WORDS and (digits or w in ("nol", "kosong")):
                digits += _DIGIT_WORDS[w]
            else:
                break
            j += 1
        if j > i and len(digits) >= 9 and (digits.startswith(("0", "62"))
                                             or len(digits) == 16):
            spans.append(Span(toks[i].start, toks[j - 1].end, NUMBER))
        i = max(j, i + 1)
    return spans


def _mentions(toks: Sequence[_Tok], words: set[str]) -> list[Span]:
    return [Span(t.start, t.end, NAME) for t in toks if t.norm in words]


def merge(spans: Iterable[Span], text: str = "") -> list[Span]:
    """Overlapping spans as one, in order; spans of ``text`` apart only by spaces too
    ("Budi" and "Santoso" masked as one name)."""
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, s.end)):
        if out and (s.start <= out[-1].end or not text[out[-1].end:s.start].strip(" ")):
            last = out[-1]
            out[-1] = Span(last.start, max(last.end, s.end),
                           NUMBER if NUMBER in (last.kind, s.kind) else NAME)
        else:
            out.append(s)
    return out


def find_self_identification(text: str | None) -> list[Span]:
    """The spans of ``text`` that identify its reporter, merged and in order."""
    if not text:
        return []
    toks = _tokens(text)
    names = _names(text, toks)
    spans = [Span(toks[r.start].start, toks[r.stop - 1].end, NAME) for r in names]
    words = {toks[k].norm for r in names for k in r
             if len(toks[k].norm) >= 3 and toks[k].norm not in _LINKS}
    spans += _mentions(toks, words)
    spans += _numbers(toks)
    return merge(spans, text)


def names(text: str | None) -> list[str]:
    """The names :func:`find_self_identification` reads in ``text``, as written, once each."""
    if not text:
        return []
    seen: dict[str, str] = {}
    for span in find_self_identification(text):
        if span.kind == NAME:
            phrase = " ".join(text[span.start:span.end].split())
            seen.setdefault(phrase.lower(), phrase)
    return list(seen.values())


# --- the reporter's own name and number, and the forward's safety net ----------------

_DIGIT_RUN = re.compile(r"\+?\d[\d\s.()-]{5,}\d")
_IDENTIFYING = ("Tiket anonim: uraian masih {what}. Hapus identitas pelapor dari uraian "
                "sebelum meneruskan ke pokja.")


def _words(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def _national(phone: str | None) -> str | None:
    """The digits a person would write of an E.164 Indonesian number: 8123… (no 0/+62)."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("62"):
        digits = digits[2:]
    return digits if len(digits) >= 6 else None


def identifying_problem(ticket: Ticket, text: str | None) -> str | None:
    """What in ``text`` visibly names ``ticket``'s reporter ("menyebut nama pelapor",
    "memuat nomor telepon pelapor"), or None."""
    words = _words(text)
    name = _words(ticket.reporter_name)
    if len(name) >= 3 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", words):
        return "menyebut nama pelapor"
    national = _national(ticket.reporter_phone)
    if national and any(national in re.sub(r"\D", "", run)
                        for run in _DIGIT_RUN.findall(text or "")):
        return "memuat nomor telepon pelapor"
    return None


def require_anonymised(ticket: Ticket) -> None:
    """Raise InvalidInput("description") when the description visibly names the reporter."""
    text = _words(ticket.description)
    problem = identifying_problem(ticket, ticket.description)
    if problem:
        raise InvalidInput("description", _IDENTIFYING.format(what=problem))
    transcript = ticket.transcript
    if transcript is not None and _words(transcript.text) and _words(transcript.text) == text:
        raise InvalidInput("description", _IDENTIFYING.format(
            what="sama dengan transkrip rekaman, yang biasanya menyebut nama pelapor"))


# --- the mask beyond the call centre ---------------------------------------------------

MASK = "[disamarkan]"
MAX_PHRASES = 50
MAX_PHRASE = 100


def phrase_key(phrase: str) -> str:
    """How two phrases are told the same: case and spacing aside."""
    return " ".join(phrase.lower().split())


def _name_words(phrase: str) -> set[str]:
    """The words of a found name worth masking wherever they occur (not "bin", not "Ni")."""
    return {w for w in _TOKEN.findall(phrase.lower())
            if len(w) >= 3 and w not in _LINKS and w not in _STOP and w not in _TITLES}


@dataclass(frozen=True)
class Masking:
    """What is masked of one anonim ticket: the proposal and the operator's corrections.

    ``found``: names the finder read in the transcript (or the messages' text) and the
    description, and the reporter's name as recorded; ``added``/``kept``: the operator's
    corrections. Masked wherever they occur: every word of a found name not kept, every
    added phrase, the reporter's phone number; and in each text, whatever the finder
    reads in it that the operator did not keep.
    """

    found: tuple[str, ...]
    added: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    phone: str | None = None

    @property
    def candidates(self) -> tuple[str, ...]:
        """Every phrase the operator can tick or untick, found ones first."""
        return tuple(dict.fromkeys((*self.found, *self.added, *self.kept)))

    def masks(self, phrase: str) -> bool:
        return phrase_key(phrase) not in {phrase_key(k) for k in self.kept}


def masking(ticket: Ticket) -> Masking:
    """The mask of ``ticket`` as it stands: found in its texts, corrected by the operator."""
    found: list[str] = []
    if ticket.transcript is not None:
        found += names(ticket.transcript.text)
    found += names(ticket.description)
    if ticket.reporter_name and ticket.reporter_name.strip():
        found.append(" ".join(ticket.reporter_name.split()))
    unique: dict[str, str] = {}
    for phrase in found:
        unique.setdefault(phrase_key(phrase), phrase)
    correction = ticket.privacy
    return Masking(found=tuple(unique.values()),
                   added=tuple(correction.added or ()) if correction else (),
                   kept=tuple(correction.kept or ()) if correction else (),
                   phone=_national(ticket.reporter_phone))


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def mask_spans(text: str, m: Masking) -> list[Span]:
    """The spans of ``text`` masked under ``m``."""
    spans = [s for s in find_self_identification(text)
             if s.kind == NUMBER or m.masks(text[s.start:s.end])]
    words: set[str] = set()
    for phrase in m.found:
        if m.masks(phrase):
            words |= _name_words(phrase)
    spans += [Span(t.start, t.end, NAME) for t in _tokens(text) if t.norm in words]
    for phrase in m.added:
        if m.masks(phrase):
            spans += [Span(x.start(), x.end(), NAME)
                      for x in _phrase_pattern(phrase).finditer(text)]
    if m.phone:
        spans += [Span(x.start(), x.end(), NUMBER) for x in _DIGIT_RUN.finditer(text)
                  if m.phone in re.sub(r"\D", "", x.group())]
    return merge(spans, text)


@dataclass(frozen=True)
class Segment:
    """A piece of a text as the operator sees its mask: ``masked`` pieces are replaced."""

    text: str
    masked: bool = False


def segments(text: str | None, spans: Sequence[Span]) -> list[Segment]:
    out, pos = [], 0
    text = text or ""
    for s in spans:
        if s.start > pos:
            out.append(Segment(text[pos:s.start]))
        out.append(Segment(text[s.start:s.end], True))
        pos = s.end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def apply_mask(text: str, spans: Sequence[Span]) -> str:
    return "".join(MASK if s.masked else s.text for s in segments(text, spans))


def outward(ticket: Ticket, text: str | None, m: Masking | None = None) -> str | None:
    """``text`` of ``ticket`` as it may be read beyond the call centre: masked when the
    ticket is anonim, as it is otherwise. ``m``: its :func:`masking`, when already known
    (an export masks several texts of each ticket)."""
    if not ticket.anonim or not text:
        return text
    return apply_mask(text, mask_spans(text, m or masking(ticket)))


def digest(text: str | None) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def written_outward(ticket: Ticket) -> str | None:
    """The operator's own outward description, while the description is still the one it
    was written for (a changed description brings the computed mask back)."""
    correction = ticket.privacy
    if correction is None or correction.text is None:
        return None
    return correction.text if correction.text_for == digest(ticket.description) else None


def outward_description(ticket: Ticket, m: Masking | None = None) -> str | None:
    """The description the pokja, the exports and the e-mails read."""
    if not ticket.anonim:
        return ticket.description
    return outward(ticket, written_outward(ticket) or ticket.description, m)


def identity_left(ticket: Ticket, text: str | None) -> str | None:
    """What of the reporter's identity ``text`` still shows ("Budi Santoso, 0812…"), or
    None: for a text the call centre writes for outside an anonim ticket."""
    if not text:
        return None
    shown = [" ".join(text[s.start:s.end].split())
             for s in mask_spans(text, masking(ticket))]
    problem = identifying_problem(ticket, text)
    if not shown and problem:
        return problem
    return ", ".join(dict.fromkeys(shown)) or None


def parse_phrases(raw: str | Iterable[str]) -> list[str]:
    """Phrases typed by the operator, one per line (or a list), checked."""
    lines = raw.splitlines() if isinstance(raw, str) else list(raw)
    out: list[str] = []
    for line in lines:
        phrase = " ".join(line.split())
        if not phrase:
            continue
        if len(phrase) < 2 or len(phrase) > MAX_PHRASE:
            raise InvalidInput("added", f"Setiap frasa 2 sampai {MAX_PHRASE} karakter.")
        if phrase_key(phrase) not in {phrase_key(p) for p in out}:
            out.append(phrase)
    if len(out) > MAX_PHRASES:
        raise InvalidInput("added", f"Paling banyak {MAX_PHRASES} frasa.")
    return out
