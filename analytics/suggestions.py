"""Routing suggestions for tickets: the current model, one stored suggestion per ticket,
the operator's final choice, and retraining on verified tickets.

Domain-style functions: they take a ``Session``, flush, and never commit; the caller's
boundary (a Celery task, a web request, the CLI) owns the transaction.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from analytics.compact import SEED_MODEL, CompactModel
from analytics.suggest import (
    DEFAULT_KIND,
    MIN_CHARS,
    SEED_PREFIX,
    Classifier,
    Ranked,
    data_version,
    seed_classifier,
    seed_corpus,
)
from analytics.suggest_models import SuggestModel, TicketSuggestion
from tickets.clock import utcnow
from tickets.lifecycle import AT_DESK, AT_POKJA, WITH_ANSWER
from tickets.models import Category, Status, Ticket, Transcript

# How many alternatives after the first choice are offered.
ALTERNATIVES = 2
# Trained models kept in the database (the newest is used; older ones are history).
KEEP_MODELS = 3
# A verified ticket: it left the desk for a pokja with the category the operator chose.
VERIFIED = frozenset(AT_POKJA) | frozenset(WITH_ANSWER) | {Status.CLOSED}


@dataclass(frozen=True)
class Choice:
    category_id: int
    category: str
    pokja_id: int | None
    pokja: str | None
    pokja_name: str | None
    confidence: float

    def as_dict(self) -> dict[str, Any]:
        return {"category_id": self.category_id, "category": self.category,
                "pokja_id": self.pokja_id, "pokja": self.pokja,
                "pokja_name": self.pokja_name, "confidence": self.confidence}


@dataclass(frozen=True)
class Suggestion:
    best: Choice
    alternatives: list[Choice] = field(default_factory=list)
    model_version: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {**self.best.as_dict(),
                "alternatives": [a.as_dict() for a in self.alternatives],
                "model_version": self.model_version}


# --- the current model ---------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[str, Classifier | CompactModel] = {}


def _seed() -> Classifier | CompactModel:
    """The seed corpus's model: the shipped arrays (``analytics.compact``, no training, no
    scikit-learn) while they are the corpus's, else trained here."""
    with _lock:
        if "seed" not in _cache:
            pairs = seed_corpus()
            version = SEED_PREFIX + data_version([t for t, _ in pairs], [c for _, c in pairs],
                                                 DEFAULT_KIND)
            shipped = CompactModel.load() if SEED_MODEL.exists() else None
            _cache["seed"] = (shipped if shipped is not None and shipped.version == version
                              else seed_classifier())
        return _cache["seed"]


def current_classifier(session: Session) -> Classifier | CompactModel:
    """The newest trained model in the database, else the seed corpus's model. Each
    process keeps the one it loaded and reads a blob again only when a newer one lands."""
    row = session.execute(select(SuggestModel.id, SuggestModel.version)
                          .order_by(SuggestModel.id.desc()).limit(1)).first()
    if row is None:
        return _seed()
    with _lock:
        cached = _cache.get("db")
        if cached is not None and cached.version == row.version:
            return cached
    blob = session.scalar(select(SuggestModel.blob).where(SuggestModel.id == row.id))
    loaded = Classifier.loads(blob or b"")
    with _lock:
        _cache["db"] = loaded
    return loaded


def _choices(session: Session, ranking: list[Ranked]) -> list[Choice]:
    """The ranking mapped onto this installation's active categories (a label whose
    category was renamed or retired is skipped), with each category's pokja."""
    categories = {c.name.casefold(): c for c in session.scalars(
        select(Category).where(Category.active.is_(True))
        .options(selectinload(Category.pokja)))}
    out = []
    for r in ranking:
        c = categories.get(r.label.casefold())
        if c is None:
            continue
        out.append(Choice(c.id, c.name, c.pokja_id, c.pokja.code if c.pokja else None,
                          c.pokja.name if c.pokja else None, r.probability))
    return out


def suggest_text(session: Session, text: str) -> Suggestion | None:
    """The suggestion for ``text``; None when the text is too short to route or no
    category the model knows exists here."""
    if len(text.strip()) < MIN_CHARS:
        return None
    model = current_classifier(session)
    choices = _choices(session, model.rank(text))
    if not choices:
        return None
    return Suggestion(choices[0], choices[1:1 + ALTERNATIVES], model.version)


# --- per ticket ----------------------------------------------------------------------

def ticket_text(ticket: Ticket) -> str:
    """What the complaint says: the operator's text once typed or corrected, else the
    machine transcript."""
    if ticket.description and ticket.description.strip():
        return ticket.description
    return ticket.transcript.text if ticket.transcript is not None else ""


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def stored(session: Session, ticket_id: int) -> TicketSuggestion | None:
    return session.scalar(select(TicketSuggestion)
                          .where(TicketSuggestion.ticket_id == ticket_id))


def suggest_ticket(session: Session, ticket: Ticket) -> TicketSuggestion | None:
    """Compute and store the suggestion for a ticket at the desk. A ticket whose text and
    model have not changed keeps its row; a decided one is never touched again."""
    row = stored(session, ticket.id)
    if row is not None and row.decided_at is not None:
        return row
    if ticket.status not in AT_DESK:
        return row
    return _store(session, ticket, row)


def _store(session: Session, ticket: Ticket,
           row: TicketSuggestion | None) -> TicketSuggestion | None:
    text = ticket_text(ticket)
    sha = _sha(text)
    model = current_classifier(session)
    if row is not None and row.text_sha == sha and row.model_version == model.version:
        return row
    suggestion = suggest_text(session, text)
    if suggestion is None:
        return row
    if row is None:
        row = TicketSuggestion(ticket_id=ticket.id)
        session.add(row)
    row.category_id = suggestion.best.category_id
    row.pokja_id = suggestion.best.pokja_id
    row.confidence = suggestion.best.confidence
    row.alternatives = [a.as_dict() for a in suggestion.alternatives]
    row.model_version = suggestion.model_version
    row.text_sha = sha
    row.created_at = utcnow()
    session.flush()
    return row


def for_display(session: Session, ticket: Ticket) -> Suggestion | None:
    """What the ticket page offers: the stored suggestion, or (before the worker has
    stored one) the current model's, computed without writing."""
    row = stored(session, ticket.id)
    if row is not None and row.category is not None:
        best = Choice(row.category.id, row.category.name, row.pokja_id,
                      row.pokja.code if row.pokja else None,
                      row.pokja.name if row.pokja else None, row.confidence)
        alts = [Choice(int(a["category_id"]), str(a["category"]), a.get("pokja_id"),
                       a.get("pokja"), a.get("pokja_name"), float(a["confidence"]))
                for a in row.alternatives or []]
        return Suggestion(best, alts, row.model_version)
    return suggest_text(session, ticket_text(ticket))


def suggest_ticket_id(session: Session, ticket_id: int) -> TicketSuggestion | None:
    ticket = session.get(Ticket, ticket_id)
    return suggest_ticket(session, ticket) if ticket is not None else None


def pending_ticket_ids(session: Session, limit: int = 200) -> list[int]:
    """Desk tickets with text and no suggestion yet (typed at the desk, or a task lost)."""
    has_text = or_(func.length(func.coalesce(Ticket.description, "")) >= MIN_CHARS,
                   func.length(func.coalesce(Transcript.text, "")) >= MIN_CHARS)
    return list(session.scalars(
        select(Ticket.id).outerjoin(TicketSuggestion, TicketSuggestion.ticket_id == Ticket.id)
        .outerjoin(Transcript, Transcript.ticket_id == Ticket.id)
        .where(Ticket.status.in_(AT_DESK), TicketSuggestion.id.is_(None), has_text)
        .order_by(Ticket.id).limit(limit)))


def record_decision(session: Session, ticket: Ticket) -> TicketSuggestion | None:
    """The operator verified and forwarded ``ticket``: keep their final category and pokja
    beside the suggestion and whether they took it (same category and pokja)."""
    row = stored(session, ticket.id)
    if row is None:
        # Verified before the worker stored one: what the page offered, kept now.
        row = _store(session, ticket, None)
    if row is None or row.decided_at is not None:
        return row
    row.final_category_id = ticket.category_id
    row.final_pokja_id = ticket.pokja_id
    row.accepted = (ticket.category_id == row.category_id
                    and ticket.pokja_id == row.pokja_id)
    row.decided_at = utcnow()
    session.flush()
    return row


@dataclass(frozen=True)
class Acceptance:
    decided: int
    accepted: int

    @property
    def share(self) -> float | None:
        return self.accepted / self.decided if self.decided else None


def acceptance(session: Session) -> Acceptance:
    """How many decided suggestions the operators took as they were."""
    decided, accepted = session.execute(
        select(func.count(TicketSuggestion.id),
               func.count(TicketSuggestion.id).filter(TicketSuggestion.accepted.is_(True)))
        .where(TicketSuggestion.decided_at.is_not(None))).one()
    return Acceptance(int(decided or 0), int(accepted or 0))


# --- training ------------------------------------------------------------------------

@dataclass(frozen=True)
class Trained:
    version: str
    samples: int
    verified_samples: int
    created: bool


def verified_examples(session: Session) -> list[tuple[str, str]]:
    """(text, category name) of every verified ticket with a text."""
    rows = session.execute(
        select(Ticket.description, Category.name).join(Category, Ticket.category_id == Category.id)
        .where(Ticket.status.in_(VERIFIED), Ticket.description.is_not(None))
        .order_by(Ticket.id)).all()
    return [(text, name) for text, name in rows if text and len(text.strip()) >= MIN_CHARS]


def retrain(session: Session) -> Trained:
    """Train on the seed corpus plus the verified tickets and store the model, unless a
    model of exactly this data is already stored (then nothing changes)."""
    pairs = seed_corpus() + verified_examples(session)
    verified = len(pairs) - len(seed_corpus())
    model = Classifier.train([t for t, _ in pairs], [c for _, c in pairs])
    exists = session.scalar(select(SuggestModel.id).where(SuggestModel.version == model.version))
    if exists is not None:
        return Trained(model.version, model.samples, verified, False)
    session.add(SuggestModel(version=model.version, samples=model.samples,
                             verified_samples=verified, blob=model.dumps()))
    session.flush()
    old = list(session.scalars(select(SuggestModel).order_by(SuggestModel.id.desc())
                               .offset(KEEP_MODELS)))
    for row in old:
        session.delete(row)
    session.flush()
    return Trained(model.version, model.samples, verified, True)


def latest_model(session: Session) -> SuggestModel | None:
    return session.scalar(select(SuggestModel).order_by(SuggestModel.id.desc()).limit(1))


def stored_as_dict(session: Session, ticket_id: int) -> dict[str, Any] | None:
    row = stored(session, ticket_id)
    if row is None:
        return None
    return {
        "category": row.category.name if row.category else None,
        "pokja": row.pokja.code if row.pokja else None,
        "confidence": row.confidence,
        "alternatives": row.alternatives,
        "model_version": row.model_version,
        "accepted": row.accepted,
        "final_category_id": row.final_category_id,
        "final_pokja_id": row.final_pokja_id,
    }
