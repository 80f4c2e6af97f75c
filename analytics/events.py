"""Early warning on events: does a complaint's text report something happening now (or
about to) that endangers people or property, what kind of event, how severe, and why.

The decision is a linear model (``analytics/event_training.py`` trains it with
scikit-learn on ``analytics/events_corpus/``) over three kinds of features:

* word unigrams and bigrams of the normalised text;
* character 2- to 5-grams inside words, which carry the model over recognition errors
  and affixes (``kemakaran``, ``kebanjiran``, ``lonsor``);
* cue tokens: time and status (``sedang``, ``masih``, ``makin``, ``tahun lalu``,
  ``sudah padam``, ``sudah ditangani``), negation, questions, prevention and aid
  requests, rumours, idioms, and the words of the demo keyword groups, each a feature
  the model weighs, not a decision.

Three heads share these features: alarm or not (binary logistic regression), the kind
(multinomial, trained on the alarms) and the severity (multinomial, trained on the
alarms). Inference here is plain Python over weights stored as JSON
(``analytics/events_model.json``): importing this module loads no scikit-learn and no
numpy, and the model is read once per process on the first :func:`assess`, so the CLI
answers from a cold start in well under a second (docs/analytics.md has the figures).
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = ("kebakaran", "banjir", "longsor", "bangunan_runtuh", "kecelakaan_air",
         "orang_hilang", "keracunan_wabah", "konflik_kekerasan", "ancaman_kerusuhan",
         "bahaya_lain")
SEVERITIES = ("critical", "high", "normal")
KIND_LABELS = {"kebakaran": "kebakaran", "banjir": "banjir", "longsor": "tanah longsor",
               "bangunan_runtuh": "bangunan/jembatan/jalan runtuh",
               "kecelakaan_air": "kecelakaan di air", "orang_hilang": "orang hilang",
               "keracunan_wabah": "keracunan/wabah",
               "konflik_kekerasan": "kekerasan/konflik antarkelompok",
               "ancaman_kerusuhan": "ancaman/kerusuhan", "bahaya_lain": "bahaya lain"}
SEVERITY_LABELS = {"critical": "kritis", "high": "tinggi", "normal": "biasa"}
MODEL_PATH = Path(__file__).with_name("events_model.json")
CHAR_NGRAMS = (2, 5)
MAX_CUES = 6
# Function words never shown as a cue, whatever their weight.
_NOT_CUES = frozenset({"dan", "di", "yang", "ke", "dari", "itu", "untuk", "dengan", "pak",
                       "bu", "ya", "saya", "kami", "kita", "ada", "nya", "juga", "atau",
                       "halo", "anu", "begini", "mau", "sama", "pada", "kalau"})


@dataclass(frozen=True)
class Assessment:
    alarm: bool
    kind: str | None          # one of KINDS, None when no alarm
    severity: str | None      # "critical" | "high" | "normal" | None when no alarm
    confidence: float         # 0..1, probability that this reports an ongoing/imminent event
    cues: list[str] = field(default_factory=list)  # what drove the decision, readable

    def as_dict(self) -> dict[str, Any]:
        return {"alarm": self.alarm, "kind": self.kind, "severity": self.severity,
                "confidence": self.confidence, "cues": list(self.cues)}


# --- features ------------------------------------------------------------------------

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def words(text: str, unheard: frozenset[str] = frozenset()) -> list[str]:
    """Lower case letters and digits; everything else splits (``rumah-rumah``). Words in
    ``unheard`` (the gazetteer's place names) are left out: where a thing happens says
    nothing about whether it is happening, and a model that learnt the corpus's villages
    would alarm on any text naming them."""
    ws = _NOT_WORD.sub(" ", text.lower().replace("’", "").replace("'", "")).split()
    return [w for w in ws if w not in unheard] if unheard else ws


# Cue lexicon: (cue name, phrases). A phrase of several words matches them in a row; a
# word ending in "*" matches any word it begins. Read as features, weighed by the model.
CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sekarang", ("sedang", "sekarang", "saat ini", "barusan", "masih", "lagi", "ini",
                  "mi", "mo", "ji", "ki", "pas")),
    ("makin", ("makin", "semakin", "terus", "bertambah", "membesar", "melebar", "menjalar",
               "merambat", "merembet", "naik")),
    ("tadi", ("tadi", "sejak", "dari tadi", "semalam", "subuh", "tadi pagi", "tadi malam",
              "malam ini", "hari ini", "pagi ini")),
    ("belum", ("belum", "durung", "kada", "belum ditemukan", "belum pulang",
               "belum kembali", "belum padam", "belum ketemu", "tidak muncul")),
    ("minta_tolong", ("tolong", "cepat", "segera", "lekas", "bantu", "kirim", "minta tolong",
                      "darurat", "evakuasi")),
    # People in danger now (severity: critical) against damage to property only (high).
    ("korban_jiwa", ("terjebak", "terjepit", "tertimbun", "tertimpa", "terluka", "luka",
                     "pingsan", "tidak sadar*", "tak sadar*", "meninggal", "tewas",
                     "berdarah", "tenggelam", "hanyut", "terseret", "lansia", "bayi",
                     "balita", "bocah", "anak", "di dalam", "orang di dalam",
                     "belum ditemukan", "belum keluar", "belum naik", "belum muncul",
                     "kejang", "sesak napas", "korbannya", "ada korban", "ada yang luka",
                     "nenek", "kakek", "orang tua", "ibu hamil")),
    ("harta_saja", ("tidak ada korban", "tak ada korban", "belum ada korban",
                    "tidak ada orang", "kosong", "tidak ada yang luka",
                    "tidak ada yang terluka", "sudah dikeluarkan", "sudah keluar semua",
                    "sudah mengungsi", "warga selamat", "semua selamat",
                    "belum sampai rumah", "tidak ada yang kena")),
    # What tells the kinds apart that are most often confused.
    ("ancaman", ("ancam*", "mau membakar", "mau bakar", "akan membakar", "mau dibakar",
                 "akan dibakar", "bakar kantor", "bom", "provokasi", "provokator",
                 "menghasut", "hasut*", "berkumpul", "kumpul", "balas dendam", "mau serang",
                 "mau menyerang", "akan menyerang", "ajak*", "teror", "massa", "demo")),
    ("kekerasan", ("pembacokan", "dibacok", "membacok", "ditikam", "menikam", "penikaman",
                   "lempar batu", "saling lempar", "saling serang", "berkelahi",
                   "dipukuli", "dikeroyok", "pengeroyokan", "perkelahian", "tawuran",
                   "bentrok*", "kejar kejaran")),
    ("satwa_listrik_gas", ("buaya", "ular", "piton", "tawon", "lebah", "penyengat",
                           "disengat", "beruang", "babi hutan", "gajah", "anjing gila",
                           "monyet", "kabel listrik", "kabel", "tersetrum", "kesetrum",
                           "menyetrum", "setrum", "percikan", "bau gas", "gas bocor",
                           "gas", "elpiji", "amonia", "bom ikan")),
    ("lampau", ("tahun lalu", "bulan lalu", "minggu lalu", "tahun kemarin", "kemarin dulu",
                "dulu", "pernah", "kemarin waktu", "waktu kemarin", "dulu sudah",
                "sudah dua kali", "yang kemarin", "yang lalu", "waktu itu", "bekas", "lama",
                "tahun 20*", "musim lalu",
                "kemarau lalu", "cerita lama", "berita lama")),
    ("selesai", ("sudah padam", "sudah ditangani", "sudah surut", "sudah ditemukan",
                 "sudah pulang", "sudah kembali", "sudah damai", "didamaikan", "berdamai",
                 "sudah aman", "aman", "kondusif", "selamat", "sudah sembuh", "sudah selesai",
                 "diselesaikan", "terima kasih", "sudah mati", "sudah dikerjakan",
                 "sudah dibangun", "sudah sampai", "padam", "surut", "dilerai", "diamankan",
                 "teratasi", "tertangani", "sudah reda", "sudah dipadamkan", "sudah dievakuasi",
                 "sudah dibersihkan", "sudah diperbaiki")),
    ("cegah", ("supaya tidak", "agar tidak", "biar tidak", "sebelum", "jangan sampai",
               "belum ada yang", "belum terjadi", "sebelum ada", "ditertibkan",
               "dipasang", "dipagar", "papan peringatan", "mohon dipasang", "minta dipasang",
               "dipindahkan", "ditebang", "dipangkas",
               "takutnya", "takut nanti", "nanti", "kalau", "jika", "mitigasi", "pencegahan",
               "rawan", "jaga jaga", "mohon dibangun", "diperkuat", "dibersihkan", "dikeruk",
               "normalisasi")),
    ("latihan", ("simulasi", "latihan", "pelatihan", "uji coba", "sosialisasi",
                 "penyuluhan", "rapat", "film")),
    ("bantuan", ("bantuan", "santunan", "ganti rugi", "dana", "dicairkan", "cair",
                 "pengungsi", "pengungsian", "huntara", "rehab", "sertifikat", "biaya",
                 "korban")),
    ("kabar", ("hoaks", "hoax", "hoaxs", "isu", "katanya", "kabar", "beredar", "tidak benar",
               "benar atau tidak", "klarifikasi",
               "pesan berantai", "dengar dengar", "tiktok", "video", "berita")),
    ("tanya", ("apakah", "kapan", "bagaimana", "mau tanya", "saya tanya", "benarkah",
               "benar tidak", "ke mana", "kenapa", "mohon info", "mohon informasi")),
    ("lambat", ("lambat", "terlambat", "lama datang", "menunggu", "komplain", "protes",
                "tidak merata", "tidak adil")),
    ("ungkapan", ("kebakaran jenggot", "banjir informasi", "kebanjiran informasi",
                  "kebanjiran hoaks", "banjir komentar", "dibanjiri", "banjir pujian",
                  "kebakaran harga", "terbakar harganya", "tagihannya banjir",
                  "tagihan air kami banjir")),
    ("bukan", ("tidak ada", "bukan", "tidak perlu", "tak ada", "cuma", "hanya")),
)

# The demo keyword groups' words (analytics/demo.py), as features of their own: what an
# admin's keyword says, weighed against the rest of the text.
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("bencana", ("banjir", "kebanjiran", "longsor", "kebakaran", "terbakar", "gempa",
                 "puting beliung", "air bah", "sungai meluap")),
    ("konflik", ("bentrok", "tawuran", "perkelahian", "berkelahi", "kerusuhan", "ancam",
                 "mengancam", "diancam", "menyerang", "dibakar")),
    ("kesehatan", ("keracunan", "wabah", "diare", "demam berdarah", "dbd",
                   "penyakit menular")),
    ("infrastruktur", ("jembatan putus", "ambruk", "amblas", "ambles", "kabel putus",
                       "tiang listrik roboh")),
)


def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression for a cue's phrases over the words joined by spaces."""
    alts = [r" ".join(re.escape(p[:-1]) + r"[0-9a-z]*" if p.endswith("*") else re.escape(p)
                      for p in phrase.split()) for phrase in phrases]
    return re.compile(r"(?<![0-9a-z])(?:" + "|".join(alts) + r")(?![0-9a-z])")


_CUE_PATTERNS = [(f"cue:{name}", _pattern(phrases)) for name, phrases in CUES]
_KEYWORD_PATTERNS = [(f"kw:{name}", _pattern(phrases)) for name, phrases in KEYWORDS]


def cue_tokens(text: str, ws: list[str] | None = None) -> list[str]:
    """The cue features of a text: ``cue:<name>``, ``kw:<group>`` and ``cue:tanya`` for a
    question mark; each at most once."""
    joined = " ".join(words(text) if ws is None else ws)
    out = [name for name, pattern in _CUE_PATTERNS if pattern.search(joined)]
    if "?" in text and "cue:tanya" not in out:
        out.append("cue:tanya")
    out += [name for name, pattern in _KEYWORD_PATTERNS if pattern.search(joined)]
    return out


def word_features(text: str, unheard: frozenset[str] = frozenset()) -> list[str]:
    """Word unigrams and bigrams, and the cue tokens."""
    ws = words(text, unheard)
    return ws + [f"{a} {b}" for a, b in zip(ws, ws[1:], strict=False)] + cue_tokens(text, ws)


def char_features(text: str, unheard: frozenset[str] = frozenset()) -> list[str]:
    """Character n-grams inside words, padded with a space at each end (scikit-learn's
    ``char_wb``)."""
    lo, hi = CHAR_NGRAMS
    out: list[str] = []
    for w in words(text, unheard):
        w = f" {w} "
        for n in range(lo, hi + 1):
            if len(w) < n:
                out.append(w)
                break
            out.extend(w[i:i + n] for i in range(len(w) - n + 1))
    return out


def _tfidf(grams: list[str], idf: Mapping[str, float]) -> dict[str, float]:
    """Sublinear term frequency times idf, L2-normalised, over the known features (the
    same numbers as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``)."""
    counts = Counter(g for g in grams if g in idf)
    values = {g: (1.0 + math.log(c)) * idf[g] for g, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in values.values()))
    return {g: v / norm for g, v in values.items()} if norm else {}


CUE_LABELS = {"cue:sekarang": "sedang terjadi", "cue:makin": "makin parah",
              "cue:tadi": "baru saja", "cue:belum": "belum teratasi",
              "cue:minta_tolong": "minta tolong", "cue:korban_jiwa": "ada orang terancam",
              "cue:harta_saja": "hanya harta/jalan", "cue:ancaman": "ancaman/hasutan",
              "cue:kekerasan": "kekerasan terjadi",
              "cue:satwa_listrik_gas": "satwa/listrik/gas",
              "cue:lampau": "kejadian lampau", "cue:selesai": "sudah tertangani",
              "cue:cegah": "pencegahan", "cue:latihan": "latihan/sosialisasi",
              "cue:bantuan": "urusan bantuan", "cue:kabar": "kabar/isu",
              "cue:tanya": "pertanyaan", "cue:lambat": "keluhan layanan",
              "cue:ungkapan": "ungkapan kiasan", "cue:bukan": "penyangkalan",
              "kw:bencana": "kata kunci bencana", "kw:konflik": "kata kunci konflik",
              "kw:kesehatan": "kata kunci kesehatan",
              "kw:infrastruktur": "kata kunci infrastruktur"}


# --- the model -----------------------------------------------------------------------

def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def _softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


class EventModel:
    """Weights of the three heads over the shared features, as the trainer wrote them:
    ``{"version", "samples", "threshold", "kinds", "severities", "word_idf", "char_idf",
    "alarm": {"b", "w"}, "kind": {"b", "w"}, "severity": {"b", "w"}}`` where each ``w``
    maps a feature (``w:<gram>`` or ``c:<gram>``) to a weight or a list of weights."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version = str(data["version"])
        self.samples = int(data.get("samples", 0))
        self.threshold = float(data.get("threshold", 0.5))
        self.kinds: list[str] = list(data["kinds"])
        self.severities: list[str] = list(data["severities"])
        self.word_idf: dict[str, float] = data["word_idf"]
        self.char_idf: dict[str, float] = data["char_idf"]
        self.alarm_b = float(data["alarm"]["b"])
        self.alarm_w: dict[str, float] = data["alarm"]["w"]
        self.kind_b: list[float] = list(data["kind"]["b"])
        self.kind_w: dict[str, list[float]] = data["kind"]["w"]
        self.severity_b: list[float] = list(data["severity"]["b"])
        self.severity_w: dict[str, list[float]] = data["severity"]["w"]
        # Place-name words the trainer left out of every text (``words``).
        self.unheard = frozenset(data.get("place_words", ()))
        self.data = data

    @classmethod
    def loads(cls, raw: str | bytes) -> EventModel:
        return cls(json.loads(raw))

    def dumps(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, separators=(",", ":"))

    def vector(self, text: str) -> dict[str, float]:
        x = {f"w:{g}": v for g, v in
             _tfidf(word_features(text, self.unheard), self.word_idf).items()}
        x.update({f"c:{g}": v for g, v in
                  _tfidf(char_features(text, self.unheard), self.char_idf).items()})
        return x

    def probability(self, x: Mapping[str, float]) -> float:
        return _sigmoid(self.alarm_b + sum(v * self.alarm_w.get(f, 0.0) for f, v in x.items()))

    def _multi(self, x: Mapping[str, float], b: list[float],
               w: Mapping[str, list[float]]) -> list[float]:
        scores = list(b)
        for f, v in x.items():
            row = w.get(f)
            if row is not None:
                for i, weight in enumerate(row):
                    scores[i] += v * weight
        return _softmax(scores)

    def assess(self, text: str) -> Assessment:
        x = self.vector(text)
        p = self.probability(x)
        alarm = p >= self.threshold
        kind = severity = None
        if alarm:
            kinds = self._multi(x, self.kind_b, self.kind_w)
            kind = self.kinds[max(range(len(kinds)), key=kinds.__getitem__)]
            sev = self._multi(x, self.severity_b, self.severity_w)
            severity = self.severities[max(range(len(sev)), key=sev.__getitem__)]
        return Assessment(alarm, kind, severity, round(p, 4), self.explain(text, x, alarm))

    def explain(self, text: str, x: Mapping[str, float], alarm: bool) -> list[str]:
        """The words and cues that pushed the decision the way it went, strongest first:
        a word's score gathers its unigram, its character n-grams and half of each bigram
        it is in; a cue is named in Indonesian (``kejadian lampau``)."""
        sign = 1.0 if alarm else -1.0
        contribution = {f: v * self.alarm_w.get(f, 0.0) * sign for f, v in x.items()}
        per: dict[str, float] = {}
        ws = words(text, self.unheard)
        for w in dict.fromkeys(ws):
            if w in _NOT_CUES:
                continue
            score = contribution.get(f"w:{w}", 0.0)
            score += sum(contribution.get(f"c:{g}", 0.0) for g in set(char_features(w)))
            per[w] = score
        for a, b in zip(ws, ws[1:], strict=False):
            half = contribution.get(f"w:{a} {b}", 0.0) / 2
            for w in (a, b):
                if w in per:
                    per[w] += half
        for f, label in CUE_LABELS.items():
            if f"w:{f}" in contribution:
                per[label] = contribution[f"w:{f}"]
        ranked = sorted(((s, k) for k, s in per.items() if s > 0), reverse=True)
        return [k for _, k in ranked[:MAX_CUES]]


_lock = threading.Lock()
_shipped: list[EventModel] = []


def shipped_model() -> EventModel:
    """The model built from the corpus and shipped beside this module, read once."""
    with _lock:
        if not _shipped:
            _shipped.append(EventModel.loads(MODEL_PATH.read_bytes()))
        return _shipped[0]


def assess(text: str) -> Assessment:
    """Whether ``text`` reports an ongoing or imminent event, with the shipped model. Pure:
    no database; the model is loaded on the first call and kept for the process."""
    if not text or not text.strip():
        return Assessment(False, None, None, 0.0, [])
    return shipped_model().assess(text)


# --- an admin's keyword groups as overrides ----------------------------------------------

# A keyword group's severity (analytics.models.Severity's value) when it forces an alarm.
GROUP_SEVERITY = {"critical": "critical", "high": "high", "medium": "normal", "low": "normal"}


@dataclass(frozen=True)
class GroupHit:
    """An admin's keyword group that matched a text: its mode (``fitur``: a feature the
    model weighs; ``selalu``: always alarm; ``tidak``: never alarm), its kinds, its
    severity (``Severity`` value) and the words heard."""
    name: str
    mode: str
    kinds: tuple[str, ...]
    severity: str
    heard: tuple[str, ...]


def overridden(a: Assessment, hits: Sequence[GroupHit]
               ) -> tuple[Assessment, GroupHit | None, GroupHit | None]:
    """The assessment after the groups' modes, with the group that forced the alarm and
    the one that silenced it: ``tidak`` silences; ``selalu`` forces an alarm the model
    did not raise (kind from the group's first kind, severity from the group). The one
    rule of the alert path (``analytics.event_alerts``) and ``hotline listen``."""
    for hit in hits:
        if hit.mode == "tidak":
            return a, None, hit
    for hit in hits:
        if hit.mode == "selalu" and not a.alarm:
            forced = Assessment(True, next(iter(hit.kinds), "bahaya_lain"),
                                GROUP_SEVERITY.get(hit.severity, "high"), a.confidence,
                                [*hit.heard[:3], *a.cues][:MAX_CUES])
            return forced, hit, None
    return a, None, None

