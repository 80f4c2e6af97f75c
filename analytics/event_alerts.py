"""The early-warning model's alarms on tickets: who is alerted and how, the desk's verdicts,
and retraining on them.

The model (:mod:`analytics.events`) decides; the admin's keyword groups override it (a
group in mode ``selalu`` alarms whenever it matches, one in mode ``tidak`` silences the
alarm) and say who answers for which kinds of event. An alarm reaches the supervisors and the
answering groups' pokja and users; only a critical one also pages the groups' further
contacts (BPBD, the police duty phone).
A trusted community reporter's alarm weighs one level more (``warning.weighed``), and so
does one about a kecamatan that already had :data:`CLUSTER_MIN` alarms within the hour.

Domain-style functions: they take a ``Session``, flush, and never commit.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accounts.models import User
from analytics import event_training, events, warning
from analytics.events import KIND_LABELS, KINDS, Assessment, EventModel
from analytics.models import SEVERITY_LABELS, EventAlert, EventModelRow, KeywordGroup, Severity
from notify import outbox
from tickets.clock import utcnow
from tickets.db import insert_ignore
from tickets.errors import InvalidInput, NotFound
from tickets.lifecycle import Principal
from tickets.models import Role, Ticket
from tickets.permissions import DESK_ROLES, require_role

SEVERITY_OF = {"critical": Severity.CRITICAL, "high": Severity.HIGH, "normal": Severity.MEDIUM}
MODEL_SEVERITY = {v: k for k, v in SEVERITY_OF.items()}
CLUSTER_WINDOW = timedelta(hours=1)
# Earlier alarms about the same kecamatan within the window that make a cluster (so the
# third call about one place within an hour is raised a level).
CLUSTER_MIN = 2
VERDICTS = {"benar": "benar terjadi", "salah": "bukan kejadian", "terlewat": "terlewat"}

# --- the current model ---------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[str, EventModel] = {}


def current_model(session: Session) -> EventModel:
    """The model the admin activated, else the shipped one; a process reads a stored
    model's weights again only when another one is activated."""
    row = session.execute(select(EventModelRow.id, EventModelRow.version)
                          .where(EventModelRow.active.is_(True))
                          .order_by(EventModelRow.id.desc()).limit(1)).first()
    if row is None:
        return events.shipped_model()
    with _lock:
        cached = _cache.get("db")
        if cached is not None and cached.version == row.version:
            return cached
    blob = session.scalar(select(EventModelRow.blob).where(EventModelRow.id == row.id))
    model = EventModel.loads(blob or "{}")
    with _lock:
        _cache["db"] = model
    return model


# --- alarms --------------------------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    """What the listener alerts: the model's assessment after the groups' overrides."""

    assessment: Assessment
    forced_by: KeywordGroup | None = None
    silenced_by: KeywordGroup | None = None

    @property
    def alarm(self) -> bool:
        return self.silenced_by is None and (self.assessment.alarm or self.forced_by is not None)


def decide(a: Assessment, matches: Sequence[warning.GroupMatch]) -> Decision:
    """Apply the groups' modes (``analytics.events.overridden``)."""
    hits = [events.GroupHit(m.group.name, m.group.mode, tuple(m.group.kind_list),
                            str(m.group.severity), tuple(m.heard)) for m in matches]
    assessment, forced, silenced = events.overridden(a, hits)
    group = {id(hit): m.group for hit, m in zip(hits, matches, strict=True)}
    return Decision(assessment, forced_by=group[id(forced)] if forced else None,
                    silenced_by=group[id(silenced)] if silenced else None)


def _raised(severity: Severity) -> Severity:
    order = list(Severity)
    return order[min(len(order) - 1, order.index(severity) + 1)]


def cluster_size(session: Session, kecamatan_id: int | None, ticket_id: int) -> int:
    """Other alarms about ``kecamatan_id`` within the last hour."""
    if kecamatan_id is None:
        return 0
    return int(session.scalar(select(func.count(EventAlert.id)).where(
        EventAlert.kecamatan_id == kecamatan_id, EventAlert.alarm.is_(True),
        EventAlert.ticket_id != ticket_id,
        EventAlert.created_at >= utcnow() - CLUSTER_WINDOW)) or 0)


def _responsible(session: Session, kind: str) -> list[KeywordGroup]:
    return [g for g in warning.active_groups(session) if kind in g.kind_list]


def _group_rows(session: Session, group: KeywordGroup, trusted: bool,
                critical: bool) -> list[tuple[str, str]]:
    """(channel, recipient) of a group answering for the alarm's kind: its pokja, users
    and supervisors; its further contacts (BPBD, the police duty phone) only when the
    alarm is critical."""
    emails, numbers = warning.recipients(session, group, trusted)
    if not critical:
        paged = set(group.extra_contacts.splitlines())
        emails = [e for e in emails if e not in paged]
        numbers = [n for n in numbers if n not in paged]
    channels = group.channel_list
    rows = [("email", e) for e in emails] if "email" in channels else []
    return rows + [(c, n) for c in ("whatsapp", "sms") if c in channels for n in numbers]


def _message(ticket: Ticket, alert: EventAlert, source: str, location: str | None,
             policy: warning.AlertPolicy, trusted: str | None) -> tuple[str, str]:
    severity = SEVERITY_LABELS[alert.severity]
    kind = KIND_LABELS.get(alert.kind, alert.kind)
    extra = " · pelapor terpercaya" if trusted else ""
    extra += f" · {alert.cluster + 1} laporan/jam" if alert.cluster >= CLUSTER_MIN else ""
    subject = (f"[Deteksi dini · {kind} · {severity}{extra}] Tiket {ticket.number} "
               f"- {policy.agency}")
    why = ("tiket rahasia: isi tidak dikutip" if ticket.rahasia
           else "petunjuk: " + ", ".join(f"\"{c}\"" for c in alert.cues[:5]))
    body = (f"Deteksi dini {kind} (tingkat {severity}, keyakinan "
            f"{alert.confidence:.0%}): tiket {ticket.number} dalam "
            f"{warning.SOURCE_LABELS.get(source, source)}; {why}. "
            f"Lokasi: {location or 'belum diketahui'}.")
    if alert.forced_by:
        body += f" Dipicu kelompok kata kunci \"{alert.forced_by}\" (selalu alarm)."
    if alert.cluster >= CLUSTER_MIN:
        body += (f" {alert.cluster} laporan lain dari kecamatan yang sama dalam satu jam "
                 "terakhir: tingkat dinaikkan.")
    if trusted:
        body += f" Dilaporkan oleh pelapor terpercaya: {trusted}."
    if policy.console_url:
        body += f" Buka: {policy.console_url}/tiket/{ticket.number}"
    return subject, body


def raise_alarm(session: Session, ticket: Ticket, decision: Decision, *, text: str,
                source: str, policy: warning.AlertPolicy, location: str | None = None,
                kecamatan_id: int | None = None, trusted: str | None = None,
                model_version: str = "") -> EventAlert | None:
    """Store the alarm on ``ticket`` and write its messages to the outbox; a ticket
    alerts once (a second text, a second delivery, change nothing)."""
    a = decision.assessment
    if not decision.alarm or a.kind is None:
        return None
    cluster = cluster_size(session, kecamatan_id, ticket.id)
    severity = warning.weighed(SEVERITY_OF.get(a.severity or "high", Severity.HIGH),
                               trusted is not None)
    if cluster >= CLUSTER_MIN:
        severity = _raised(severity)
    alert_id = insert_ignore(session, EventAlert.__table__, {  # type: ignore[arg-type]
        "ticket_id": ticket.id, "alarm": True, "kind": a.kind,
        "model_severity": a.severity, "severity": severity.value,
        "confidence": a.confidence, "cues": list(a.cues), "model_version": model_version,
        "source": source, "text": text, "cluster": cluster, "trusted": trusted is not None,
        "forced_by": decision.forced_by.name if decision.forced_by else None,
        "kecamatan_id": kecamatan_id, "created_at": utcnow()}, ["ticket_id"])
    if alert_id is None:
        return None
    alert = session.get(EventAlert, alert_id)
    assert alert is not None
    subject, body = _message(ticket, alert, source, location, policy, trusted)
    rows: list[tuple[str, str]] = [("email", u.email) for u in session.scalars(
        select(User).where(User.role == Role.SUPERVISOR, User.active.is_(True)))
        if u.email]
    for group in _responsible(session, a.kind):
        rows += _group_rows(session, group, trusted is not None,
                            severity is Severity.CRITICAL)
    for channel, recipient in dict.fromkeys(rows):
        outbox.add(session, channel=channel, recipient=recipient, body=body,
                   subject=subject if channel == "email" else None, event="early_warning",
                   ticket_id=ticket.id, key=f"ev:{ticket.id}:{channel}:{recipient}")
    return alert


def for_ticket(session: Session, ticket_id: int) -> EventAlert | None:
    return session.scalar(select(EventAlert).where(EventAlert.ticket_id == ticket_id))


def as_json(alert: EventAlert | None) -> dict[str, object] | None:
    if alert is None:
        return None
    return {"alarm": alert.alarm, "kind": alert.kind, "severity": alert.severity.value,
            "model_severity": alert.model_severity, "confidence": alert.confidence,
            "cues": alert.cues, "cluster": alert.cluster, "trusted": alert.trusted,
            "forced_by": alert.forced_by, "verdict": alert.verdict,
            "model_version": alert.model_version}


# --- the desk's verdicts -------------------------------------------------------------

def record_verdict(session: Session, user: Principal, ticket: Ticket, verdict: str,
                   kind: str | None = None, text: str = "") -> EventAlert:
    """The operator confirms (``benar``) or dismisses (``salah``) the alarm on
    ``ticket``, or flags a report the model let pass (``terlewat``, with its kind). A
    second click changes the verdict; the last one counts."""
    require_role(user, *DESK_ROLES)
    if verdict not in VERDICTS:
        raise InvalidInput("verdict", "Pilihan tidak dikenal.")
    alert = for_ticket(session, ticket.id)
    if verdict == "terlewat":
        if kind not in KINDS:
            raise InvalidInput("kind", "Pilih jenis kejadian yang terlewat.")
        if alert is not None and alert.alarm:
            raise InvalidInput("verdict", "Tiket ini sudah memicu peringatan dini.")
        if alert is None:
            alert = EventAlert(ticket_id=ticket.id, alarm=False, kind=kind,
                               severity=Severity.HIGH, confidence=0.0, cues=[],
                               source="operator", text=text, cluster=0, trusted=False,
                               created_at=utcnow())
            session.add(alert)
        alert.kind, alert.text = kind, text or alert.text
    elif alert is None or not alert.alarm:
        raise NotFound("Tiket ini tidak memicu peringatan dini.")
    alert.verdict = verdict
    alert.verdict_by_id = user.id
    alert.verdict_at = utcnow()
    session.flush()
    return alert


def desk_examples(session: Session) -> list[event_training.Example]:
    """The verdicts as training examples: a confirmed alarm keeps its kind and the
    model's severity, a dismissed one is a mention, a missed one an alarm of its kind."""
    out = []
    for a in session.scalars(select(EventAlert).where(EventAlert.verdict.is_not(None))
                             .order_by(EventAlert.id)):
        if not a.text.strip():
            continue
        if a.verdict == "salah":
            out.append(event_training.Example(a.text, None, None, "sebut"))
        else:
            out.append(event_training.Example(
                a.text, a.kind, a.model_severity or MODEL_SEVERITY.get(a.severity, "high")))
    return out


def retrain(session: Session) -> EventModelRow:
    """Train on the dev corpus plus the desk's verdicts, score it and the current model
    on the held-out part, and store it inactive: an admin compares and activates it."""
    desk = desk_examples(session)
    model = event_training.train(event_training.training_examples() + desk,
                                 version_prefix="desk-")
    existing = session.scalar(select(EventModelRow)
                              .where(EventModelRow.version == model.version))
    if existing is not None:
        return existing
    held = event_training.heldout_examples()
    current = current_model(session)
    row = EventModelRow(
        version=model.version, samples=model.samples, desk_samples=len(desk),
        figures={"candidate": event_training.evaluate(model, held).as_dict(),
                 "current": event_training.evaluate(current, held).as_dict(),
                 "current_version": current.version, "heldout": len(held)},
        blob=model.dumps(), active=False, created_at=utcnow())
    session.add(row)
    session.flush()
    return row


def activate(session: Session, admin: Principal, model_id: int) -> EventModelRow:
    require_role(admin, Role.ADMIN)
    row = session.get(EventModelRow, model_id)
    if row is None:
        raise NotFound("Model tidak ditemukan.")
    for other in session.scalars(select(EventModelRow).where(EventModelRow.active.is_(True))):
        other.active = False
    row.active, row.activated_at = True, utcnow()
    session.flush()
    return row


def stored_models(session: Session) -> list[EventModelRow]:
    return list(session.scalars(select(EventModelRow).order_by(EventModelRow.id.desc())
                                .limit(10)))


def verdict_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(EventAlert.verdict, func.count(EventAlert.id))
                           .where(EventAlert.verdict.is_not(None))
                           .group_by(EventAlert.verdict)).all()
    return {str(v): int(n) for v, n in rows}


# --- the dashboard ---------------------------------------------------------------------

@dataclass(frozen=True)
class KecamatanAlarms:
    kecamatan: str
    alarms: int
    clusters: int  # alarms raised a level as part of a cluster


def by_kecamatan(session: Session, since: datetime, until: datetime) -> list[KecamatanAlarms]:
    """Alarms per kecamatan between ``since`` and ``until`` (UTC), the most first; the
    clusters counted apart (the dashboard marks them)."""
    from analytics.models import Place

    rows = session.execute(
        select(Place.name, func.count(EventAlert.id),
               func.count(EventAlert.id).filter(EventAlert.cluster >= CLUSTER_MIN))
        .join(Place, Place.id == EventAlert.kecamatan_id)
        .where(EventAlert.alarm.is_(True), EventAlert.created_at >= since,
               EventAlert.created_at < until)
        .group_by(Place.name).order_by(func.count(EventAlert.id).desc(), Place.name)).all()
    return [KecamatanAlarms(str(n), int(a), int(c)) for n, a, c in rows]
