"""One text in, everything the product hears in it out: the early warning
(:func:`analytics.events.assess`), the place (:mod:`analytics.gazetteer`) and the routing
suggestion (a ranking mapped onto the installation's categories).

No database here: the caller hands in the configuration (:class:`Hearing`), built by
``hotline listen`` from the demo data or from the database, so the same code answers a
command line in milliseconds and can score a file of texts one per line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from analytics import events, matching
from analytics.gazetteer import Gazetteer
from analytics.suggest import MIN_CHARS, Ranked
from analytics.text import tokens

# How many alternatives after the first choice ``hotline suggest`` offers.
ALTERNATIVES = 2


class Ranker(Protocol):
    version: str

    def rank(self, text: str) -> list[Ranked]: ...


@dataclass(frozen=True)
class CategoryInfo:
    name: str
    pokja: str | None  # the pokja's code
    pokja_name: str | None = None
    id: int | None = None
    pokja_id: int | None = None


@dataclass(frozen=True)
class Group:
    """An admin's keyword group and its mode, as the alert path applies it
    (``analytics.event_alerts.decide``): ``selalu`` a match alarms whatever the model
    says, ``tidak`` a match silences the alarm, ``fitur`` the model decides."""
    name: str
    severity: str  # analytics.models.Severity's value
    phrases: tuple[matching.Phrase, ...]
    mode: str = "fitur"
    kinds: tuple[str, ...] = ()


@dataclass
class Hearing:
    gazetteer: Gazetteer
    ranker: Ranker
    categories: Sequence[CategoryInfo]
    groups: Sequence[Group] = ()
    # The early-warning model an admin activated in the database; None: the shipped one.
    model: events.EventModel | None = None
    _by_name: dict[str, CategoryInfo] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {c.name.casefold(): c for c in self.categories}

    def choices(self, text: str) -> list[tuple[CategoryInfo, float]]:
        """The installation's categories, most probable first; none for a text too short
        to route."""
        if len(text.strip()) < MIN_CHARS:
            return []
        out = []
        for r in self.ranker.rank(text):
            c = self._by_name.get(r.label.casefold())
            if c is not None:
                out.append((c, r.probability))
        return out

    def warning(self, text: str) -> events.Assessment:
        """The event model's assessment after the admin's groups (``selalu`` forces an
        alarm, ``tidak`` silences it), by the alert path's rule."""
        assessment = (self.model.assess(text) if self.model is not None and text.strip()
                      else events.assess(text))
        overriding = [g for g in self.groups if g.mode in ("selalu", "tidak")]
        if not overriding:
            return assessment
        toks = tokens(text)
        hits = [events.GroupHit(g.name, g.mode, g.kinds, g.severity,
                                tuple(dict.fromkeys(h.heard for h in found)))
                for g in overriding if (found := matching.find(toks, g.phrases))]
        result, forced, silenced = events.overridden(assessment, hits)
        if silenced is not None:
            return events.Assessment(False, None, None, assessment.confidence,
                                     [*assessment.cues, f"kelompok kata kunci: {silenced.name}"])
        if forced is not None:
            return events.Assessment(result.alarm, result.kind, result.severity,
                                     result.confidence,
                                     [*result.cues, f"kelompok kata kunci: {forced.name}"])
        return result

    def listen(self, text: str) -> dict[str, Any]:
        """The object ``hotline listen --json`` prints for ``text``."""
        a = self.warning(text)
        place = self.gazetteer.find(text)
        choices = self.choices(text)
        best = choices[0][0] if choices else None
        return {"alarm": a.alarm, "kind": a.kind, "severity": a.severity,
                "confidence": round(float(a.confidence), 4), "cues": list(a.cues),
                "kecamatan": place.kecamatan.name if place and place.kecamatan else None,
                "desa": place.desa.name if place and place.desa else None,
                "category": best.name if best else None,
                "pokja": best.pokja if best else None}

    def suggest(self, text: str) -> dict[str, Any] | None:
        """The object ``hotline suggest --json`` prints (as ``analytics.suggestions``
        writes it), or None for a text too short to route."""
        choices = self.choices(text)
        if not choices:
            return None

        def as_dict(c: CategoryInfo, p: float) -> dict[str, Any]:
            return {"category_id": c.id, "category": c.name, "pokja_id": c.pokja_id,
                    "pokja": c.pokja, "pokja_name": c.pokja_name, "confidence": p}

        return {**as_dict(*choices[0]),
                "alternatives": [as_dict(c, p) for c, p in choices[1:1 + ALTERNATIVES]],
                "model_version": self.ranker.version}


def summary(result: dict[str, Any]) -> str:
    """``hotline listen`` without ``--json``: the same answer in Indonesian."""
    if result["alarm"]:
        kind = (result["kind"] or "bahaya").replace("_", " ")
        warn = (f"PERINGATAN DINI: {kind}, tingkat {_LEVELS.get(result['severity'], '-')} "
                f"(keyakinan {result['confidence']:.0%})")
        if result["cues"]:
            warn += "; petunjuk: " + ", ".join(result["cues"])
    else:
        warn = "Tidak ada peringatan dini."
    where = ", ".join(p for p in (
        f"Desa/Kel. {result['desa']}" if result["desa"] else "",
        f"Kecamatan {result['kecamatan']}" if result["kecamatan"] else "") if p)
    route = (f"{result['category']} ({result['pokja'] or 'tanpa pokja'})"
             if result["category"] else "tidak ada saran (teks terlalu pendek)")
    return (f"{warn}\nLokasi: {where or 'tidak disebut'}\nSaran kategori: {route}")


_LEVELS = {"critical": "kritis", "high": "tinggi", "normal": "biasa"}
