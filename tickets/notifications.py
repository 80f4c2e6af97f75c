"""Who hears about what: outbox rows for callers, pokja and supervisors.

Called from :func:`tickets.lifecycle.transition` (and by the scheduler for SLA
warnings and the digest), always inside the caller's transaction, so a change and
the messages announcing it commit together or not at all. Delivery is someone
else's job (``notify/`` and the Celery tasks).

Privacy rules, decided here once:
- ``contact_opt_out``: the caller receives nothing (no SMS, no voice call), and
  messages not yet sent are cancelled when the flag is set.
- ``anonim`` hides the reporter's identity from the pokja, not from the system:
  the caller still gets updates on the number they called from, but no message
  to a pokja ever carries the reporter's name or number.
- ``rahasia``: the complaint's content never leaves the console in a message
  (no description in e-mails; WhatsApp never carries content at all), and the
  caller's SMS points to the status line rather than quoting the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prompts import Catalog
from tickets import outbox, sla
from tickets.catalog import hotline_settings
from tickets.db import utcnow
from tickets.models import Role, Status, Ticket, TicketEvent, User

S = Status
CALLER_EVENTS = {S.FORWARDED: "forwarded", S.ANSWERED: "answered", S.CLOSED: "closed"}
OPEN_AT_POKJA = (S.FORWARDED, S.IN_PROGRESS)
POLICY_KEY = "notify_policy"


@dataclass(frozen=True)
class NotifyPolicy:
    """What the composition root decided; put on ``Session.info[POLICY_KEY]``."""

    voice_updates: bool = False
    sla_warning_days: int = 1
    timezone: str = "Asia/Jakarta"
    console_url: str | None = None
    hotline_defaults: dict[str, str] = field(default_factory=dict)


def policy_of(session: Session) -> NotifyPolicy:
    policy = session.info.get(POLICY_KEY)
    return policy if isinstance(policy, NotifyPolicy) else NotifyPolicy()


@cache
def catalog() -> Catalog:
    return Catalog.load()


def _text(key: str, **values: object) -> str:
    return catalog().text(key, **values)


def _agency(session: Session, policy: NotifyPolicy) -> str:
    name = hotline_settings(session, policy.hotline_defaults).get("agency_name")
    return name or "Layanan Pengaduan Masyarakat"


def _local_date(at: datetime | None, tz: str) -> str:
    if at is None:
        return "-"
    local = at.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(tz))
    return local.strftime("%d-%m-%Y")


def _spaced(number: str) -> str:
    # Text-to-speech then reads the ticket number digit by digit.
    return " ".join(number)


def _key(ticket: Ticket, event: str, channel: str, recipient: str) -> str:
    return f"{ticket.id}:{event}:{channel}:{recipient}"


# --- status changes ------------------------------------------------------------------------

def status_changed(session: Session, ticket: Ticket, target: Status) -> None:
    """Write the outbox rows a transition to ``target`` causes. The caller commits."""
    event = CALLER_EVENTS.get(target)
    if event is None:
        return
    policy = policy_of(session)
    # A ticket can be answered twice (the reporter replied); each time is news.
    seq = session.scalar(select(func.count()).select_from(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "transition",
        TicketEvent.to_status == target.value)) or 1
    event_seq = event if seq <= 1 else f"{event}#{seq}"
    _notify_caller(session, ticket, target, event_seq, policy)
    if target is S.FORWARDED:
        _alert_pokja_forwarded(session, ticket, event_seq, policy)


def _notify_caller(session: Session, ticket: Ticket, target: Status, event: str,
                   policy: NotifyPolicy) -> None:
    phone = (ticket.reporter_phone or "").strip()
    if ticket.contact_opt_out or not phone:
        return
    from tickets.lifecycle import STATUS_LABELS

    agency = _agency(session, policy)
    pokja = ticket.pokja.name if ticket.pokja else _text("notify_pokja_unknown")
    sms = _text(f"notify_sms_{target.value}", agency=agency, number=ticket.number,
                status=STATUS_LABELS[target], pokja=pokja)
    outbox.add(session, channel="sms", recipient=phone, body=sms, event=event,
               key=_key(ticket, event, "sms", phone), ticket_id=ticket.id)
    if policy.voice_updates:
        spoken = " ".join([
            _text("notify_voice_intro", agency=agency),
            _text("status_intro"), _spaced(ticket.number) + ",",
            _text(f"status_{target.value}"),
            _text("notify_voice_outro"),
        ])
        outbox.add(session, channel="voice", recipient=phone, body=spoken, event=event,
                   key=_key(ticket, event, "voice", phone), ticket_id=ticket.id)


def pokja_recipients(session: Session, ticket: Ticket) -> tuple[list[str], list[str]]:
    """E-mail addresses and WhatsApp numbers of the ticket's pokja (and its active users)."""
    pokja = ticket.pokja
    if pokja is None or not pokja.active:
        return [], []
    emails = [pokja.email] if pokja.email else []
    emails += [u.email for u in session.scalars(select(User).where(
        User.pokja_id == pokja.id, User.role == Role.POKJA, User.active.is_(True),
        User.email.is_not(None))) if u.email]
    whatsapp = [pokja.whatsapp] if pokja.whatsapp else []
    return list(dict.fromkeys(e.strip() for e in emails if e and e.strip())), whatsapp


def _ticket_lines(ticket: Ticket, policy: NotifyPolicy) -> list[str]:
    """The body of a pokja e-mail about ``ticket``, within the privacy rules."""
    lines = [
        _text("notify_pokja_category",
              category=ticket.category.name if ticket.category else "-"),
        _text("notify_pokja_location", location=ticket.location or "-"),
        _text("notify_pokja_due", due=_local_date(ticket.followup_due_at, policy.timezone)),
    ]
    if ticket.anonim:
        lines.append(_text("notify_pokja_anonim"))
    else:
        lines.append(_text("notify_pokja_reporter", name=ticket.reporter_name or "-",
                           phone=ticket.reporter_phone or "-"))
    if ticket.rahasia:
        lines.append(_text("notify_pokja_rahasia"))
    elif ticket.description:
        lines.append(_text("notify_pokja_description", description=ticket.description))
    else:
        lines.append(_text("notify_pokja_no_description"))
    return lines


def _email(session: Session, policy: NotifyPolicy, greeting_to: str, intro: str,
           lines: list[str]) -> str:
    parts = [_text("notify_email_greeting", name=greeting_to), "", intro, "", *lines]
    if policy.console_url:
        parts += ["", _text("notify_email_console", url=policy.console_url)]
    parts += ["", _text("notify_email_footer", agency=_agency(session, policy))]
    return "\n".join(parts)


def _alert_pokja_forwarded(session: Session, ticket: Ticket, event: str,
                           policy: NotifyPolicy) -> None:
    emails, numbers = pokja_recipients(session, ticket)
    if not emails and not numbers:
        return
    assert ticket.pokja is not None
    agency = _agency(session, policy)
    subject = _text("notify_pokja_subject", agency=agency, number=ticket.number)
    body = _email(session, policy, ticket.pokja.name,
                  _text("notify_pokja_intro", number=ticket.number),
                  _ticket_lines(ticket, policy))
    for address in emails:
        outbox.add(session, channel="email", recipient=address, subject=subject, body=body,
                   event=event, key=_key(ticket, event, "email", address), ticket_id=ticket.id)
    wa = _text("notify_pokja_whatsapp", agency=agency, number=ticket.number,
               category=ticket.category.name if ticket.category else "-",
               due=_local_date(ticket.followup_due_at, policy.timezone))
    for number in numbers:
        outbox.add(session, channel="whatsapp", recipient=number, body=wa, event=event,
                   key=_key(ticket, event, "whatsapp", number), ticket_id=ticket.id)


# --- the caller's choice -------------------------------------------------------------------

def set_contact_opt_out(session: Session, ticket: Ticket, opt_out: bool) -> int:
    """Record the caller's wish to receive nothing; cancels unsent caller messages.

    Returns how many messages were cancelled. The caller commits.
    """
    ticket.contact_opt_out = opt_out
    if not opt_out:
        return 0
    from tickets.lifecycle import SYSTEM, record_event

    record_event(session, ticket, SYSTEM, "edit",
                 "Pelapor memilih tidak menerima pemberitahuan.", internal=True)
    return outbox.cancel_pending_for_ticket(session, ticket.id, ("sms", "voice"))


# --- the scheduler's scans -----------------------------------------------------------------

def warn_sla_lapsing(session: Session, now: datetime | None = None) -> int:
    """Alert the pokja once per ticket when its follow-up deadline is near. Commits."""
    policy = policy_of(session)
    if policy.sla_warning_days <= 0:
        return 0
    now = now or utcnow()
    horizon = sla.due_after(now, policy.sla_warning_days, policy.timezone)
    written = 0
    for ticket in session.scalars(select(Ticket).where(
            Ticket.status.in_(OPEN_AT_POKJA), Ticket.followup_due_at.is_not(None),
            Ticket.followup_due_at > now, Ticket.followup_due_at <= horizon)):
        emails, numbers = pokja_recipients(session, ticket)
        if ticket.pokja is None:
            continue
        due = _local_date(ticket.followup_due_at, policy.timezone)
        # Keyed on the deadline: a ticket forwarded again gets a new warning, never two.
        event = f"sla_warning@{due}"
        agency = _agency(session, policy)
        subject = _text("notify_sla_subject", agency=agency, number=ticket.number)
        body = _email(session, policy, ticket.pokja.name,
                      _text("notify_sla_intro", number=ticket.number, due=due),
                      _ticket_lines(ticket, policy))
        for address in emails:
            written += outbox.add(
                session, channel="email", recipient=address, subject=subject, body=body,
                event=event, key=_key(ticket, event, "email", address), ticket_id=ticket.id,
            ) is not None
        wa = _text("notify_sla_whatsapp", agency=agency, number=ticket.number, due=due)
        for number in numbers:
            written += outbox.add(
                session, channel="whatsapp", recipient=number, body=wa, event=event,
                key=_key(ticket, event, "whatsapp", number), ticket_id=ticket.id,
            ) is not None
    session.commit()
    return written


def overdue_tickets(session: Session, now: datetime) -> list[Ticket]:
    return list(session.scalars(select(Ticket).where(
        Ticket.status.in_(OPEN_AT_POKJA), Ticket.followup_due_at.is_not(None),
        Ticket.followup_due_at < now).order_by(Ticket.followup_due_at)))


def supervisor_digest(session: Session, now: datetime | None = None) -> int:
    """One e-mail per supervisor per local day listing overdue tickets. Commits."""
    from tickets.lifecycle import STATUS_LABELS

    policy = policy_of(session)
    now = now or utcnow()
    overdue = overdue_tickets(session, now)
    supervisors = [u for u in session.scalars(select(User).where(
        User.role == Role.SUPERVISOR, User.active.is_(True), User.email.is_not(None)))
        if u.email]
    if not overdue or not supervisors:
        return 0
    today = _local_date(now, policy.timezone)
    local_today = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(policy.timezone))
    agency = _agency(session, policy)
    lines = []
    for t in overdue:
        assert t.followup_due_at is not None
        due_local = t.followup_due_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(
            ZoneInfo(policy.timezone))
        late = max(1, sla.working_days_between(due_local.date(), local_today.date()))
        lines.append(_text("notify_digest_line", number=t.number,
                           status=STATUS_LABELS[Status(t.status)],
                           pokja=t.pokja.name if t.pokja else "-",
                           due=_local_date(t.followup_due_at, policy.timezone), days=late))
    subject = _text("notify_digest_subject", agency=agency, count=len(overdue), date=today)
    written = 0
    for user in supervisors:
        assert user.email is not None
        body = _email(session, policy, user.full_name,
                      _text("notify_digest_intro", date=today, count=len(overdue)), lines)
        written += outbox.add(session, channel="email", recipient=user.email, subject=subject,
                              body=body, event="digest",
                              key=f"digest:{today}:email:{user.email}") is not None
    session.commit()
    return written
