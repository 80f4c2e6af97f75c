"""Who hears about what: outbox rows for callers, pokja and supervisors.

A :class:`Composer` listens to the ticket domain's events (subscribed by the
composition root) and is called by the scheduler for SLA warnings and the digest,
always inside the caller's transaction, so a change and the messages announcing it
commit together or not at all. Each new row is handed to ``deliver`` once that
transaction has committed.

Privacy rules, decided here once:
- ``contact_opt_out``: the caller receives nothing (no SMS, no voice call), and
  messages not yet sent are cancelled when the flag is set.
- ``anonim`` hides the reporter's identity from the pokja, not from the system:
  the caller still gets updates on the number they called from, but no message
  to a pokja ever carries the reporter's name or number, and the description and
  location it quotes are masked (``tickets.privacy``: what the caller said of
  themselves).
- ``rahasia``: the complaint's content never leaves the console in a message
  (no description in e-mails; WhatsApp never carries content at all), and the
  caller's SMS points to the status line rather than quoting the answer; a rejection
  gives its reason but not the call centre's message for the reporter, and a duplicate
  never points to a rahasia original (``tickets.services.rejection_notice``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.models import User
from feedback import replies
from notify import channels, outbox
from notify.config import NotifySettings
from partners import services as partner_services
from partners.events import PartnerAnswered, PartnerAsked
from partners.models import PartnerRequest
from prompts import Catalog
from tickets import sla
from tickets.clock import local_date_text, to_local, utcnow
from tickets.events import (
    ContactOptedOut,
    DraftReturned,
    DraftSubmitted,
    ReporterMessage,
    ReporterNotice,
    StatusChanged,
)
from tickets.lifecycle import AT_POKJA
from tickets.models import (
    STATUS_LABELS,
    AnswerDraft,
    Channel,
    DraftState,
    Pokja,
    Role,
    Status,
    Ticket,
)
from tickets.privacy import outward, outward_description
from tickets.reference import agency_name, hotline_settings
from tickets.services import RejectionNotice, rejection_notice

S = Status
# When an address (``whatsapp:+62…``) last wrote to us, if ever.
LastInbound = Callable[[Session, str], datetime | None]
# The public links of the files of a ticket's answer (answering.files), passed in.
AnswerLinks = Callable[[Session, Ticket], list[str]]
CALLER_EVENTS = {S.FORWARDED: "forwarded", S.ANSWERED: "answered", S.CLOSED: "closed",
                 S.REJECTED: "rejected"}


@dataclass(frozen=True)
class NotifyPolicy:
    """The notification settings, and what the composition root derived for them."""

    settings: NotifySettings
    timezone: str
    console_url: str | None
    hotline_defaults: Mapping[str, str]


def _spaced(number: str) -> str:
    # Text-to-speech then reads the ticket number digit by digit.
    return " ".join(number)


def _key(ticket: Ticket, event: str, channel: str, recipient: str) -> str:
    return f"{ticket.id}:{event}:{channel}:{recipient}"


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


def overdue_tickets(session: Session, now: datetime) -> list[Ticket]:
    return list(session.scalars(select(Ticket).where(
        Ticket.status.in_(AT_POKJA), Ticket.followup_due_at.is_not(None),
        Ticket.followup_due_at < now).order_by(Ticket.followup_due_at)))


class Composer:
    """Writes the outbox rows, publishing :class:`notify.outbox.MessageQueued` for each."""

    def __init__(self, policy: NotifyPolicy, catalog: Catalog,
                 last_inbound: LastInbound, answer_links: AnswerLinks) -> None:
        self.policy = policy
        self.catalog = catalog
        # The answer's photos and letters, linked in the reporter's "answered" message.
        self.answer_links = answer_links
        # When a WhatsApp address last wrote to us (messaging's conversations, passed in
        # by the composition root): the 24-hour window of free-form replies.
        self.last_inbound = last_inbound

    def _text(self, key: str, **values: object) -> str:
        return self.catalog.text(key, **values)

    def _date(self, at: datetime | None) -> str:
        return local_date_text(at, self.policy.timezone)

    def _agency(self, session: Session) -> str:
        return agency_name(hotline_settings(session, self.policy.hotline_defaults))

    def _add(self, session: Session, **row: object) -> bool:
        return outbox.add(session, **row) is not None  # type: ignore[arg-type]

    # --- status changes ------------------------------------------------------------------

    def status_changed(self, session: Session, change: StatusChanged) -> None:
        """The outbox rows a transition causes (a listener of StatusChanged)."""
        if change.to_status is S.REOPENED:
            seq = "reopened" if change.seq <= 1 else f"reopened#{change.seq}"
            self._alert_reopened(session, change.ticket, seq)
            return
        event = CALLER_EVENTS.get(change.to_status)
        if event is None:
            return
        event_seq = event if change.seq <= 1 else f"{event}#{change.seq}"
        self._notify_caller(session, change.ticket, change.to_status, event_seq)
        if change.to_status is S.FORWARDED:
            self._alert_pokja_forwarded(session, change.ticket, event_seq)

    def _notify_caller(self, session: Session, ticket: Ticket, target: Status,
                       event: str) -> None:
        phone = (ticket.reporter_phone or "").strip()
        if ticket.contact_opt_out or not phone:
            return
        agency = self._agency(session)
        notice = rejection_notice(session, ticket)
        if notice is not None:
            sms = self._rejection_sms(agency, ticket.number, notice)
            status = self._rejection_spoken(notice)
        else:
            pokja = ticket.pokja.name if ticket.pokja else self._text("notify_pokja_unknown")
            sms = self._text(f"notify_sms_{target.value}", agency=agency,
                             number=ticket.number, status=STATUS_LABELS[target], pokja=pokja)
            status = self._text(f"status_{target.value}")
        if ticket.channel in (Channel.WHATSAPP, Channel.SMS):
            if notice is None:
                key = "msg_update_answered" if target is S.ANSWERED else "msg_update"
                sms = self._text(key, agency=agency, number=ticket.number,
                                 status=STATUS_LABELS[target])
        if target is S.ANSWERED and notice is None and not ticket.rahasia:
            links = self.answer_links(session, ticket)
            if links:
                sms += " " + self._text("notify_answer_files", links=" ".join(links))
        if ticket.channel in (Channel.WHATSAPP, Channel.SMS):
            channel = "whatsapp" if ticket.channel is Channel.WHATSAPP else "sms"
            self._to_reporter(session, channel, phone, sms,
                              _key(ticket, event, "reporter", phone), event, ticket.id)
            return
        self._add(session, channel="sms", recipient=phone, body=sms, event=event,
                  key=_key(ticket, event, "sms", phone), ticket_id=ticket.id)
        if self.policy.settings.voice_updates:
            spoken = " ".join([
                self._text("notify_voice_intro", agency=agency),
                self._text("status_intro"), _spaced(ticket.number) + ",",
                status,
                self._text("notify_voice_outro"),
            ])
            self._add(session, channel="voice", recipient=phone, body=spoken, event=event,
                      key=_key(ticket, event, "voice", phone), ticket_id=ticket.id)

    def _to_reporter(self, session: Session, channel: str, phone: str, body: str,
                     key: str, event: str, ticket_id: int | None) -> None:
        """A message to a reporter who wrote by message, on the channel they used."""
        route = channels.Route("sms")
        if channel == "whatsapp":
            route = channels.whatsapp_route(
                phone, self.last_inbound(session, f"whatsapp:{phone}"), utcnow(),
                template=self.policy.settings.whatsapp_template_sid is not None)
        # One key per event and recipient, whichever channel it took: never sent twice.
        self._add(session, channel=route.channel, recipient=phone, body=body, event=event,
                  key=key, ticket_id=ticket_id,
                  **({"status": outbox.OS.HELD, "note": route.held} if route.held else {}))

    def reporter_notice(self, session: Session, notice: ReporterNotice) -> None:
        """A listener of ReporterNotice (the idle-expiry number, the needs-information
        question, a refused attachment)."""
        ticket = notice.ticket
        if ticket is not None and ticket.contact_opt_out:
            return
        body = self._text(notice.key, agency=self._agency(session), **notice.values)
        key = (_key(ticket, notice.event, "reporter", notice.phone) if ticket is not None
               else f"{notice.event}:reporter:{notice.phone}")
        self._to_reporter(session, notice.channel, notice.phone, body, key, notice.event,
                          ticket.id if ticket is not None else None)

    def reporter_message(self, session: Session, message: ReporterMessage) -> None:
        """A listener of ReporterMessage: the desk's own text, on the chosen channel
        within its rules (WhatsApp's window in ``_to_reporter``); a voice call reads it."""
        ticket, phone = message.ticket, (message.ticket.reporter_phone or "").strip()
        if ticket.contact_opt_out or not phone:
            return
        agency, key = self._agency(session), _key(ticket, message.event, "reporter", phone)
        if message.channel == "voice":
            spoken = " ".join([self._text("notify_voice_intro", agency=agency),
                               self._text("notify_voice_desk_message",
                                          number=_spaced(ticket.number),
                                          text=message.body),
                               self._text("notify_voice_outro")])
            self._add(session, channel="voice", recipient=phone, body=spoken,
                      event=message.event, key=key, ticket_id=ticket.id)
            return
        body = self._text("msg_from_desk", agency=agency, number=ticket.number,
                          text=message.body)
        self._to_reporter(session, message.channel, phone, body, key, message.event,
                          ticket.id)

    def _rejection_sms(self, agency: str, number: str, notice: RejectionNotice) -> str:
        t = self._text
        if notice.duplicate:
            if notice.duplicate_of:
                return t("notify_sms_duplicate", agency=agency, number=number,
                         original=notice.duplicate_of)
            return t("notify_sms_duplicate_hidden", agency=agency, number=number)
        parts = [t("notify_sms_rejected", agency=agency, number=number,
                   reason=notice.reason_label)]
        if notice.message:
            parts.append(t("notify_sms_rejected_message", message=notice.message))
        parts.append(t("notify_sms_rejected_help"))
        return " ".join(parts)

    def _rejection_spoken(self, notice: RejectionNotice) -> str:
        """What the status line says of a rejection, for the automated voice call."""
        t = self._text
        if notice.duplicate and notice.duplicate_of:
            original = _spaced(notice.duplicate_of) + "."
            return " ".join([t("status_duplicate"), original, t("status_duplicate_repeat"),
                             original, t("status_duplicate_hint")])
        if notice.duplicate:
            return t("status_duplicate_hidden")
        parts = [t("status_rejected"), t("status_rejected_reason", reason=notice.reason_label)]
        if notice.message:
            parts.append(t("status_rejected_message", message=notice.message))
        return " ".join(parts)

    def _ticket_lines(self, ticket: Ticket) -> list[str]:
        """The body of a pokja e-mail about ``ticket``, within the privacy rules."""
        t = self._text
        lines = [
            t("notify_pokja_category", category=ticket.category.name if ticket.category else "-"),
            t("notify_pokja_location", location=outward(ticket, ticket.location) or "-"),
            t("notify_pokja_due", due=self._date(ticket.followup_due_at)),
        ]
        if ticket.anonim:
            lines.append(t("notify_pokja_anonim"))
        else:
            lines.append(t("notify_pokja_reporter", name=ticket.reporter_name or "-",
                           phone=ticket.reporter_phone or "-"))
        if ticket.rahasia:
            lines.append(t("notify_pokja_rahasia"))
        elif ticket.description:
            lines.append(t("notify_pokja_description",
                           description=outward_description(ticket)))
        else:
            lines.append(t("notify_pokja_no_description"))
        return lines

    def _email(self, session: Session, greeting_to: str, intro: str, lines: list[str]) -> str:
        parts = [self._text("notify_email_greeting", name=greeting_to), "", intro, "", *lines]
        if self.policy.console_url:
            parts += ["", self._text("notify_email_console", url=self.policy.console_url)]
        parts += ["", self._text("notify_email_footer", agency=self._agency(session))]
        return "\n".join(parts)

    def _to_pokja(self, session: Session, ticket: Ticket, event: str, subject: str,
                  body: str, whatsapp: str) -> int:
        emails, numbers = pokja_recipients(session, ticket)
        written = 0
        for address in emails:
            written += self._add(session, channel="email", recipient=address, subject=subject,
                                 body=body, event=event,
                                 key=_key(ticket, event, "email", address),
                                 ticket_id=ticket.id)
        for number in numbers:
            written += self._add(session, channel="whatsapp", recipient=number, body=whatsapp,
                                 event=event, key=_key(ticket, event, "whatsapp", number),
                                 ticket_id=ticket.id)
        return written

    def _alert_pokja_forwarded(self, session: Session, ticket: Ticket, event: str) -> None:
        if ticket.pokja is None:
            return
        agency = self._agency(session)
        self._to_pokja(
            session, ticket, event,
            self._text("notify_pokja_subject", agency=agency, number=ticket.number),
            self._email(session, ticket.pokja.name,
                        self._text("notify_pokja_intro", number=ticket.number),
                        self._ticket_lines(ticket)),
            self._text("notify_pokja_whatsapp", agency=agency, number=ticket.number,
                       category=ticket.category.name if ticket.category else "-",
                       due=self._date(ticket.followup_due_at)))

    def _alert_reopened(self, session: Session, ticket: Ticket, event: str) -> None:
        """The reporter says it is not fixed: the pokja is told, or past the reopen limit
        the supervisors (by e-mail); keyed on the reopening, so each is told once."""
        reopening = replies.latest_reopening(session, ticket)
        if reopening is None:
            return
        agency = self._agency(session)
        number, seq = ticket.number, reopening.seq
        if reopening.escalated:
            subject = self._text("notify_escalated_subject", agency=agency, number=number,
                                 seq=seq)
            for user in session.scalars(select(User).where(
                    User.role == Role.SUPERVISOR, User.active.is_(True),
                    User.email.is_not(None))):
                if not user.email:
                    continue
                body = self._email(session, user.full_name, self._text(
                    "notify_escalated_intro", number=number, seq=seq), self._ticket_lines(ticket))
                self._add(session, channel="email", recipient=user.email, subject=subject,
                          body=body, event=event, key=_key(ticket, event, "email", user.email),
                          ticket_id=ticket.id)
            return
        if ticket.pokja is None:
            return
        self._to_pokja(
            session, ticket, event,
            self._text("notify_reopened_subject", agency=agency, number=number),
            self._email(session, ticket.pokja.name,
                        self._text("notify_reopened_intro", number=number, seq=seq),
                        self._ticket_lines(ticket)),
            self._text("notify_reopened_whatsapp", agency=agency, number=number, seq=seq,
                       due=self._date(ticket.followup_due_at)))

    # --- the caller's choice -------------------------------------------------------------

    def contact_opted_out(self, session: Session, change: ContactOptedOut) -> None:
        """The caller wants nothing more: messages to them not yet sent are cancelled."""
        ticket = change.ticket
        outbox.cancel_pending_for_ticket(session, ticket.id, ("sms", "voice", "wa_template"))
        if ticket.reporter_phone:  # WhatsApp to the reporter, not the pokja's alerts
            outbox.cancel_pending_for_ticket(session, ticket.id, ("whatsapp",),
                                             recipient=ticket.reporter_phone)

    # --- the scheduler's scans -----------------------------------------------------------

    def warn_sla_lapsing(self, session: Session, now: datetime | None = None) -> int:
        """Alert the pokja once per ticket when its follow-up deadline is near."""
        if self.policy.settings.sla_warning_days <= 0:
            return 0
        now = now or utcnow()
        horizon = sla.due_after(now, self.policy.settings.sla_warning_days, self.policy.timezone)
        written = 0
        for ticket in session.scalars(select(Ticket).where(
                Ticket.status.in_(AT_POKJA), Ticket.followup_due_at.is_not(None),
                Ticket.followup_due_at > now, Ticket.followup_due_at <= horizon)):
            if ticket.pokja is None:
                continue
            due = self._date(ticket.followup_due_at)
            agency = self._agency(session)
            # Keyed on the deadline: a ticket forwarded again gets a new warning, never two.
            written += self._to_pokja(
                session, ticket, f"sla_warning@{due}",
                self._text("notify_sla_subject", agency=agency, number=ticket.number),
                self._email(session, ticket.pokja.name,
                            self._text("notify_sla_intro", number=ticket.number, due=due),
                            self._ticket_lines(ticket)),
                self._text("notify_sla_whatsapp", agency=agency, number=ticket.number, due=due))
        return written

    def supervisor_digest(self, session: Session, now: datetime | None = None) -> int:
        """One e-mail per supervisor per local day listing overdue tickets."""
        now = now or utcnow()
        overdue = overdue_tickets(session, now)
        supervisors = [u for u in session.scalars(select(User).where(
            User.role == Role.SUPERVISOR, User.active.is_(True), User.email.is_not(None)))
            if u.email]
        if not overdue or not supervisors:
            return 0
        tz = self.policy.timezone
        today = self._date(now)
        local_today = to_local(now, tz).date()
        agency = self._agency(session)
        lines = []
        for t in overdue:
            assert t.followup_due_at is not None
            late = max(1, sla.working_days_between(to_local(t.followup_due_at, tz).date(),
                                                   local_today))
            lines.append(self._text("notify_digest_line", number=t.number,
                                    status=STATUS_LABELS[Status(t.status)],
                                    pokja=t.pokja.name if t.pokja else "-",
                                    due=self._date(t.followup_due_at), days=late))
        subject = self._text("notify_digest_subject", agency=agency, count=len(overdue),
                             date=today)
        written = 0
        for user in supervisors:
            assert user.email is not None
            body = self._email(session, user.full_name,
                               self._text("notify_digest_intro", date=today,
                                          count=len(overdue)), lines)
            written += self._add(session, channel="email", recipient=user.email,
                                 subject=subject, body=body, event="digest",
                                 key=f"digest:{today}:email:{user.email}")
        return written

    # --- the head's approval (tickets.followup) -------------------------------------------

    def _heads(self, session: Session, pokja_id: int) -> list[User]:
        """The agency's active heads that can be reached: by e-mail, WhatsApp or both."""
        return [u for u in session.scalars(select(User).where(
            User.pokja_id == pokja_id, User.role == Role.HEAD, User.active.is_(True))
            .order_by(User.id)) if u.email or u.whatsapp]

    def _to_head(self, session: Session, head: User, event: str, key: str, *, subject: str,
                 body: str, whatsapp: str, ticket_id: int | None = None) -> int:
        return outbox.add_for_person(session, email=head.email, whatsapp=head.whatsapp,
                                     key=key, event=event, subject=subject, body=body,
                                     whatsapp_body=whatsapp, ticket_id=ticket_id)

    def draft_submitted(self, session: Session, change: DraftSubmitted) -> None:
        """A draft waits: each head of the agency by e-mail and WhatsApp (where they have
        them), and the agency's WhatsApp number."""
        draft = session.get(AnswerDraft, change.draft_id)
        if draft is None:
            return
        ticket, agency = draft.ticket, self._agency(session)
        event = f"draft#{draft.id}"
        subject = self._text("notify_draft_subject", agency=agency, number=ticket.number)
        lines = self._ticket_lines(ticket)
        if not ticket.rahasia:
            lines.append(self._text("notify_draft_text", text=draft.text))
        whatsapp = self._text("notify_draft_whatsapp", agency=agency, number=ticket.number,
                              due=self._date(ticket.followup_due_at))
        for head in self._heads(session, draft.pokja_id):
            body = self._email(session, head.full_name,
                               self._text("notify_draft_intro", number=ticket.number), lines)
            self._to_head(session, head, event, f"{ticket.id}:{event}", subject=subject,
                          body=body, whatsapp=whatsapp, ticket_id=ticket.id)
        if draft.pokja.whatsapp:
            self._add(session, channel="whatsapp", recipient=draft.pokja.whatsapp,
                      body=whatsapp, event=event,
                      key=_key(ticket, event, "whatsapp", draft.pokja.whatsapp),
                      ticket_id=ticket.id)

    def draft_returned(self, session: Session, change: DraftReturned) -> None:
        draft = session.get(AnswerDraft, change.draft_id)
        if draft is None:
            return
        ticket, agency = draft.ticket, self._agency(session)
        note = draft.decision_note or "-"
        self._to_pokja(
            session, ticket, f"draft-returned#{draft.id}",
            self._text("notify_returned_subject", agency=agency, number=ticket.number),
            self._email(session, draft.pokja.name, self._text(
                "notify_returned_intro", number=ticket.number, note=note),
                self._ticket_lines(ticket)),
            self._text("notify_returned_whatsapp", agency=agency, number=ticket.number,
                       note=note))

    def head_digest(self, session: Session, now: datetime | None = None) -> int:
        """One e-mail per head per local day: the drafts waiting for them and their
        agency's overdue tickets; nothing when there is neither."""
        now = now or utcnow()
        today, agency, written = self._date(now), self._agency(session), 0
        overdue = overdue_tickets(session, now)
        for pokja in session.scalars(select(Pokja).where(Pokja.active.is_(True))):
            heads = self._heads(session, pokja.id)
            if not heads:
                continue
            drafts = list(session.scalars(select(AnswerDraft).where(
                AnswerDraft.pokja_id == pokja.id, AnswerDraft.state == DraftState.PENDING)
                .order_by(AnswerDraft.submitted_at)))
            late = [t for t in overdue if t.pokja_id == pokja.id]
            if not drafts and not late:
                continue
            lines = [self._text("notify_head_digest_draft", number=d.ticket.number,
                                since=self._date(d.submitted_at),
                                due=self._date(d.ticket.followup_due_at)) for d in drafts]
            lines += [self._text("notify_head_digest_overdue", number=t.number,
                                 status=STATUS_LABELS[Status(t.status)],
                                 due=self._date(t.followup_due_at)) for t in late]
            subject = self._text("notify_head_digest_subject", agency=agency, pokja=pokja.name,
                                 date=today)
            whatsapp = self._text("notify_head_digest_whatsapp", agency=agency,
                                  pokja=pokja.name, date=today, drafts=len(drafts),
                                  overdue=len(late))
            for head in heads:
                body = self._email(session, head.full_name, self._text(
                    "notify_head_digest_intro", date=today, drafts=len(drafts),
                    overdue=len(late)), lines)
                written += self._to_head(session, head, "head-digest", f"head-digest:{today}",
                                         subject=subject, body=body, whatsapp=whatsapp)
        return written

    # --- partner institutions (partners.services) ----------------------------------------

    def _to_partner(self, session: Session, req: PartnerRequest, event: str, subject: str,
                    body: str, whatsapp: str) -> int:
        partner, ticket, written = req.partner, req.ticket, 0
        if partner.email:
            written += self._add(session, channel="email", recipient=partner.email,
                                 subject=subject, body=body, event=event,
                                 key=_key(ticket, event, "email", partner.email),
                                 ticket_id=ticket.id)
        if partner.whatsapp:
            written += self._add(session, channel="whatsapp", recipient=partner.whatsapp,
                                 body=whatsapp, event=event,
                                 key=_key(ticket, event, "whatsapp", partner.whatsapp),
                                 ticket_id=ticket.id)
        return written

    def partner_asked(self, session: Session, change: PartnerAsked) -> None:
        """The partner gets the question and its link; never the complaint itself (the
        link's page shows what the pokja chose)."""
        req = session.get(PartnerRequest, change.request_id)
        if req is None:
            return
        ticket, agency = req.ticket, self._agency(session)
        values = {"agency": agency, "number": ticket.number, "pokja": req.pokja.name,
                  "partner": req.partner.name}
        lines = [self._text("notify_partner_question", question=req.question), "",
                 self._text("notify_partner_link", link=change.link,
                            expires=self._date(req.expires_at))]
        parts = [self._text("notify_email_greeting", name=req.partner.name), "",
                 self._text("notify_partner_intro", **values), "", *lines, "",
                 self._text("notify_email_footer", agency=agency)]
        self._to_partner(session, req, f"mitra#{req.id}",
                         self._text("notify_partner_subject", **values), "\n".join(parts),
                         self._text("notify_partner_whatsapp", link=change.link,
                                    due=self._date(req.due_at), **values))

    def partner_answered(self, session: Session, change: PartnerAnswered) -> None:
        req = session.get(PartnerRequest, change.request_id)
        if req is None:
            return
        ticket, agency = req.ticket, self._agency(session)
        values = {"agency": agency, "number": ticket.number, "partner": req.partner.name}
        self._to_pokja(
            session, ticket, f"mitra-jawab#{req.id}",
            self._text("notify_partner_answered_subject", **values),
            self._email(session, req.pokja.name,
                        self._text("notify_partner_answered_intro", **values),
                        self._ticket_lines(ticket)),
            self._text("notify_partner_answered_whatsapp", **values))

    def partner_reminders(self, session: Session, now: datetime | None = None) -> int:
        """Overdue partner questions: the partner is reminded once per local day."""
        now = now or utcnow()
        today = to_local(now, self.policy.timezone).date().isoformat()
        agency, written = self._agency(session), 0
        for req in partner_services.overdue(session, now):
            values = {"agency": agency, "number": req.ticket.number,
                      "partner": req.partner.name, "due": self._date(req.due_at)}
            parts = [self._text("notify_email_greeting", name=req.partner.name), "",
                     self._text("notify_partner_reminder_intro", **values), "",
                     self._text("notify_email_footer", agency=agency)]
            added = self._to_partner(
                session, req, f"mitra-ingat#{req.id}@{today}",
                self._text("notify_partner_reminder_subject", **values), "\n".join(parts),
                self._text("notify_partner_reminder_whatsapp", **values))
            if added:
                req.reminded_at = now
            written += added
        return written
