"""The escalation ladder's rules: thresholds, the scheduler's pass, the leadership's
summary and overview, and dispositions.

Each rung is reached once per ticket: the pass writes an ``escalations`` row with one
INSERT .. ON CONFLICT DO NOTHING keyed on (ticket, level), and only the transaction
whose insert returned a row writes the audit entry and the messages. Two workers, or a
scheduler run repeated, therefore notify nobody twice; the outbox keys say the same
again one layer down.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from accounts.models import User
from escalation.models import (
    HEAD,
    LEADERSHIP,
    LEVEL_LABELS,
    Disposition,
    Escalation,
    EscalationRule,
)
from notify import outbox
from notify.compose import pokja_recipients
from tickets import sla
from tickets.clock import local_date_text, to_local, utcnow
from tickets.db import insert_ignore
from tickets.errors import InvalidInput, PermissionDenied
from tickets.lifecycle import AT_POKJA, SYSTEM, Actor, Principal, record_event
from tickets.models import STATUS_LABELS, Pokja, Role, Ticket
from tickets.permissions import require_role
from tickets.services import ticket_by_number

# Without a rule in the database: the head after 2 working days, the leadership after 5.
DEFAULT_HEAD_DAYS = 2
DEFAULT_LEADERSHIP_DAYS = 5
MAX_DAYS = 60
MAX_DISPOSITION = 2000
EVENT_KIND = "eskalasi"
DISPOSITION_KIND = "disposisi"


@dataclass(frozen=True)
class Policy:
    """What the composition root decides for a pass: the local time zone, the console's
    address for links in messages, and the agency's name for subjects."""

    timezone: str
    console_url: str | None
    agency: str


@dataclass(frozen=True)
class Thresholds:
    head_after_days: int
    leadership_after_days: int


# --- thresholds ------------------------------------------------------------------------

def current_rules(session: Session) -> dict[int | None, EscalationRule]:
    """The newest rule of each agency (None: the default for every other agency)."""
    newest = (select(EscalationRule.pokja_id, func.max(EscalationRule.id).label("id"))
              .group_by(EscalationRule.pokja_id).subquery())
    rows = session.scalars(select(EscalationRule).join(newest, newest.c.id == EscalationRule.id))
    return {rule.pokja_id: rule for rule in rows}


def thresholds_for(rules: dict[int | None, EscalationRule], pokja_id: int | None) -> Thresholds:
    rule = rules.get(pokja_id) or rules.get(None)
    if rule is None:
        return Thresholds(DEFAULT_HEAD_DAYS, DEFAULT_LEADERSHIP_DAYS)
    return Thresholds(rule.head_after_days, rule.leadership_after_days)


def _days(raw: str | int | None, field: str) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise InvalidInput(field, f"Isi jumlah hari kerja 1 sampai {MAX_DAYS}.") from None
    if not 1 <= value <= MAX_DAYS:
        raise InvalidInput(field, f"Isi jumlah hari kerja 1 sampai {MAX_DAYS}.")
    return value


def save_rule(session: Session, admin: Principal, pokja_id: int | None,
              head_after_days: str | int | None,
              leadership_after_days: str | int | None) -> EscalationRule:
    """A new rule for one agency (or the default); the older rows stay as its history."""
    require_role(admin, Role.ADMIN)
    if pokja_id is not None and session.get(Pokja, pokja_id) is None:
        raise InvalidInput("pokja_id", "Pokja tidak dikenal.")
    head = _days(head_after_days, "head_after_days")
    leadership = _days(leadership_after_days, "leadership_after_days")
    if leadership < head:
        raise InvalidInput("leadership_after_days", "Batas pimpinan daerah tidak boleh lebih "
                           "cepat dari batas kepala SKPD.")
    rule = EscalationRule(pokja_id=pokja_id, head_after_days=head,
                          leadership_after_days=leadership, created_at=utcnow(),
                          created_by_id=admin.id, created_by_label=admin.full_name)
    session.add(rule)
    session.flush()
    return rule


def rule_history(session: Session, admin: Principal, limit: int = 100) -> list[EscalationRule]:
    require_role(admin, Role.ADMIN)
    return list(session.scalars(select(EscalationRule)
                                .order_by(EscalationRule.id.desc()).limit(limit)))


# --- the scheduler's pass ----------------------------------------------------------------

def overdue(session: Session, now: datetime) -> list[Ticket]:
    """Tickets at a pokja whose follow-up deadline has passed, oldest deadline first."""
    return list(session.scalars(select(Ticket).where(
        Ticket.status.in_(AT_POKJA), Ticket.followup_due_at.is_not(None),
        Ticket.followup_due_at < now).order_by(Ticket.followup_due_at, Ticket.id)))


def days_late(ticket: Ticket, today: date, tz: str) -> int:
    assert ticket.followup_due_at is not None
    return max(0, sla.working_days_between(to_local(ticket.followup_due_at, tz).date(), today))


def _escalate(session: Session, ticket: Ticket, level: str, late: int, now: datetime) -> bool:
    """Reach ``level`` for ``ticket`` unless it was reached before (by any worker)."""
    new = insert_ignore(session, Escalation.__table__, {  # type: ignore[arg-type]
        "ticket_id": ticket.id, "level": level, "pokja_id": ticket.pokja_id,
        "days_late": late, "created_at": now}, ["ticket_id", "level"])
    if new is None:
        return False
    record_event(session, ticket, SYSTEM, EVENT_KIND,
                 f"Dieskalasi ke {LEVEL_LABELS[level]}: {late} hari kerja melewati batas "
                 "tindak lanjut.", shared_with=ticket.pokja_id)
    return True


def _ticket_line(ticket: Ticket, late: int, policy: Policy) -> str:
    line = (f"- Tiket {ticket.number} ({STATUS_LABELS[ticket.status]}), batas "
            f"{local_date_text(ticket.followup_due_at, policy.timezone)}, terlambat {late} "
            "hari kerja")
    if policy.console_url:
        line += f": {policy.console_url}/tiket/{ticket.number}"
    return line


def _notify_heads(session: Session, ticket: Ticket, late: int, policy: Policy) -> int:
    """The agency's heads, by e-mail and by WhatsApp, each where they have one."""
    heads = session.scalars(select(User).where(
        User.role == Role.HEAD, User.pokja_id == ticket.pokja_id, User.active.is_(True),
        or_(User.email.is_not(None), User.whatsapp.is_not(None))).order_by(User.id))
    pokja = ticket.pokja.name if ticket.pokja else "-"
    subject = f"[Eskalasi] Tiket {ticket.number} belum ditindaklanjuti - {pokja}"
    line = _ticket_line(ticket, late, policy)
    whatsapp = (f"{policy.agency}: eskalasi tiket {ticket.number} di {pokja}, belum "
                f"ditindaklanjuti {late} hari kerja setelah batas waktunya."
                + (f" {policy.console_url}/tiket/{ticket.number}" if policy.console_url else ""))
    written = 0
    for head in heads:
        body = (f"Yth. {head.full_name},\n\nTiket berikut di {pokja} belum ditindaklanjuti "
                f"{late} hari kerja setelah batas waktunya:\n{line}\n\n{policy.agency}")
        written += outbox.add_for_person(
            session, email=head.email, whatsapp=head.whatsapp, key=f"esc:{ticket.id}:{HEAD}",
            event="escalation", subject=subject, body=body, whatsapp_body=whatsapp,
            ticket_id=ticket.id)
    return written


def run(session: Session, policy: Policy, now: datetime | None = None) -> dict[str, int]:
    """One pass of the ladder over every overdue ticket; what it newly escalated."""
    now = now or utcnow()
    today = to_local(now, policy.timezone).date()
    rules = current_rules(session)
    counts = {HEAD: 0, LEADERSHIP: 0, "messages": 0}
    for ticket in overdue(session, now):
        late = days_late(ticket, today, policy.timezone)
        limits = thresholds_for(rules, ticket.pokja_id)
        if late >= limits.head_after_days and _escalate(session, ticket, HEAD, late, now):
            counts[HEAD] += 1
            counts["messages"] += _notify_heads(session, ticket, late, policy)
        if (late >= limits.leadership_after_days
                and _escalate(session, ticket, LEADERSHIP, late, now)):
            counts[LEADERSHIP] += 1
    session.flush()
    return counts


# --- the leadership ----------------------------------------------------------------------

@dataclass(frozen=True)
class AgencyRow:
    pokja_id: int | None
    name: str
    overdue: int
    at_head: int
    at_leadership: int
    worst: int
    tickets: list[tuple[Ticket, int]]


def overview(session: Session, user: Principal, tz: str,
             now: datetime | None = None) -> list[AgencyRow]:
    """Overdue tickets by agency, the most overdue agency first; an agency head sees
    their own agency's."""
    require_role(user, Role.LEADERSHIP, Role.SUPERVISOR, Role.HEAD)
    now = now or utcnow()
    today = to_local(now, tz).date()
    tickets = overdue(session, now)
    if user.role is Role.HEAD:
        tickets = [t for t in tickets if t.pokja_id == user.pokja_id]
    levels: dict[int, set[str]] = defaultdict(set)
    ids = [t.id for t in tickets]
    for ticket_id, level in session.execute(select(Escalation.ticket_id, Escalation.level)
                                            .where(Escalation.ticket_id.in_(ids))):
        levels[ticket_id].add(level)
    by_pokja: dict[int | None, list[tuple[Ticket, int]]] = defaultdict(list)
    for t in tickets:
        by_pokja[t.pokja_id].append((t, days_late(t, today, tz)))
    rows = []
    for pokja_id, items in by_pokja.items():
        name = items[0][0].pokja.name if items[0][0].pokja else "Tanpa pokja"
        items.sort(key=lambda item: -item[1])
        rows.append(AgencyRow(
            pokja_id, name, len(items),
            sum(HEAD in levels[t.id] for t, _ in items),
            sum(LEADERSHIP in levels[t.id] for t, _ in items),
            items[0][1], items))
    rows.sort(key=lambda r: (-r.overdue, -r.worst, r.name))
    return rows


def leadership_summary(session: Session, policy: Policy, now: datetime | None = None) -> int:
    """One message per leadership user per local day, by e-mail and by WhatsApp (each
    where they have one): the overdue tickets by agency."""
    now = now or utcnow()
    leaders = list(session.scalars(select(User).where(
        User.role == Role.LEADERSHIP, User.active.is_(True),
        or_(User.email.is_not(None), User.whatsapp.is_not(None))).order_by(User.id)))
    if not leaders:
        return 0
    rows = overview(session, leaders[0], policy.timezone, now)
    if not rows:
        return 0
    day = local_date_text(now, policy.timezone)
    total = sum(r.overdue for r in rows)
    lines = []
    for r in rows:
        lines.append(f"{r.name}: {r.overdue} tiket terlambat ({r.at_head} sudah ke kepala "
                     f"SKPD), paling lama {r.worst} hari kerja")
        lines += [_ticket_line(t, late, policy) for t, late in r.tickets[:10]]
    subject = f"[Ringkasan harian] {total} tiket terlambat per {day} - {policy.agency}"
    # A WhatsApp message stays short: the agencies' counts, the tickets in the console.
    whatsapp = "\n".join([
        f"{policy.agency}: {total} tiket melewati batas tindak lanjut per {day}.",
        *(f"- {r.name}: {r.overdue} terlambat, paling lama {r.worst} hari kerja"
          for r in rows[:10]),
        *([f"Rincian: {policy.console_url}/pimpinan"] if policy.console_url else [])])
    written = 0
    for leader in leaders:
        body = (f"Yth. {leader.full_name},\n\nTiket yang melewati batas tindak lanjut per "
                f"{day}, menurut SKPD:\n\n" + "\n".join(lines) + f"\n\n{policy.agency}")
        written += outbox.add_for_person(
            session, email=leader.email, whatsapp=leader.whatsapp,
            key=f"esc-summary:{to_local(now, policy.timezone).date()}",
            event="escalation_summary", subject=subject, body=body, whatsapp_body=whatsapp)
    return written


# --- dispositions -----------------------------------------------------------------------

def add_disposition(session: Session, user: Principal, number: str, text: str,
                    policy: Policy) -> Disposition:
    """The leadership's instruction on a ticket: kept, on the audit trail, sent to the
    pokja. Whatever the form showed, only the leadership may write one."""
    if not user.active or user.role is not Role.LEADERSHIP:
        raise PermissionDenied("Hanya pimpinan daerah yang dapat memberi disposisi.")
    body = " ".join((text or "").split())
    if not body or len(body) > MAX_DISPOSITION:
        raise InvalidInput("disposition", f"Tulis disposisi (maksimal {MAX_DISPOSITION} "
                           "karakter).")
    ticket = ticket_by_number(session, number)
    found = Disposition(ticket_id=ticket.id, author_id=user.id, author_label=user.full_name,
                        text=body, created_at=utcnow())
    session.add(found)
    record_event(session, ticket, Actor(user.full_name, user.id), DISPOSITION_KIND, body,
                 shared_with=ticket.pokja_id)
    session.flush()
    emails, _ = pokja_recipients(session, ticket)
    for address in emails:
        message = (f"Disposisi {user.full_name} pada tiket {ticket.number}:\n\n{body}")
        if policy.console_url:
            message += f"\n\nBuka: {policy.console_url}/tiket/{ticket.number}"
        outbox.add(session, channel="email", recipient=address, body=message,
                   subject=f"[Disposisi] Tiket {ticket.number} - {policy.agency}",
                   event="disposition", ticket_id=ticket.id,
                   key=f"disposition:{found.id}:email:{address}")
    return found


def dispositions_for(session: Session, ticket: Ticket) -> list[Disposition]:
    return list(session.scalars(select(Disposition).where(Disposition.ticket_id == ticket.id)
                                .order_by(Disposition.id.desc())))


def escalations_for(session: Session, ticket: Ticket) -> list[Escalation]:
    return list(session.scalars(select(Escalation).where(Escalation.ticket_id == ticket.id)
                                .order_by(Escalation.id)))
