"""The reporter's word on an answer: "is it fixed?" on the status line and by message.

After a ticket is answered its reporter (calling or writing from the number they
reported from) is asked whether the problem is solved:

- **fixed**: the ticket closes at once (:func:`confirm_fixed`), then the reporter rates
  the service 1..5 (:func:`rate`); a reporter who hangs up before rating loses nothing.
- **not fixed**: the ticket is reopened to the same pokja (:func:`reopen`): status
  ``reopened``, an audit event, the follow-up deadline restarted (``lifecycle``), the
  pokja alerted through the outbox (``notify.compose``, keyed so it is sent once). The
  first ``reopen_limit`` reopenings go back to the pokja; later ones go to the
  supervisors instead (``escalated``), and the pokja may not act on the ticket until a
  supervisor hands it back (marks it in progress) or answers it. The reporter's
  explanation is a voice note (``media.reopening_notes``: stored and transcribed like
  a complaint) or the text of a message.

:func:`handle_reply` is the whole conversation for a message channel (SMS, WhatsApp):
the messaging edge finds the ticket with :func:`ticket_awaiting_reply` and sends back the
text this returns. Everything takes a ``Session``, flushes and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from feedback.models import FeedbackChannel, Reopening, TicketRating
from tickets import events
from tickets.clock import utcnow
from tickets.contacts import caller_number
from tickets.db import insert_ignore
from tickets.errors import IllegalTransition, InvalidInput, PermissionDenied
from tickets.lifecycle import Actor, record_event, transition
from tickets.models import Role, Status, Ticket

REPORTER = Actor("pelapor")
MAX_NOTE = 2_000
# How long a message conversation waits for the rating or the explanation. WhatsApp's
# free-form window is 24 hours; SMS follows the same rule so both behave alike.
REPLY_WINDOW = timedelta(hours=24)
RATINGS = ("1", "2", "3", "4", "5")
_FIXED = {"1", "sudah", "selesai", "ya"}
_NOT_FIXED = {"2", "belum", "tidak"}


@dataclass(frozen=True)
class FeedbackPolicy:
    """From the settings (``FEEDBACK_REOPEN_LIMIT``, the office's zone)."""

    # Reopenings that go back to the pokja; the next "not fixed" goes to the supervisors.
    reopen_limit: int
    timezone: str


class Texts(Protocol):
    """The prompt catalogue (``prompts.Catalog``): the replies are Indonesian texts."""

    def text(self, key: str, **values: object) -> str: ...


def is_reporter(ticket: Ticket, phone: str | None) -> bool:
    """Whether ``phone`` (a call's or message's ``From``) is the number the ticket was
    reported from, compared in E.164."""
    number = caller_number(phone)
    return bool(number) and number == ticket.reporter_phone


def asks_if_fixed(ticket: Ticket, phone: str | None) -> bool:
    """The question is put to the reporter of an answered ticket, and to nobody else."""
    return ticket.status is Status.ANSWERED and is_reporter(ticket, phone)


def _require_answered(ticket: Ticket) -> None:
    if ticket.status is not Status.ANSWERED:
        raise IllegalTransition(f"Tiket {ticket.number} belum dijawab atau sudah ditanggapi.")


def rating_of(session: Session, ticket: Ticket) -> TicketRating | None:
    return session.scalar(select(TicketRating).where(TicketRating.ticket_id == ticket.id))


def confirm_fixed(session: Session, ticket: Ticket, *, channel: FeedbackChannel, tz: str,
                  now: datetime | None = None) -> TicketRating:
    """The reporter says it is fixed: the ticket closes; the rating comes next. A repeat
    (a retried webhook) returns the same row."""
    existing = rating_of(session, ticket)
    if existing is not None:
        return existing
    _require_answered(ticket)
    now = now or utcnow()
    created = insert_ignore(session, TicketRating.__table__, {  # type: ignore[arg-type]
        "ticket_id": ticket.id, "pokja_id": ticket.pokja_id, "channel": channel.value,
        "confirmed_at": now}, ["ticket_id"])
    if created is None:  # a concurrent repeat got there first
        found = rating_of(session, ticket)
        assert found is not None
        return found
    transition(session, ticket, Status.CLOSED, REPORTER,
               "Pelapor menyatakan masalah sudah selesai.", tz=tz, now=now,
               shared_with=ticket.pokja_id)
    found = rating_of(session, ticket)
    assert found is not None
    return found


def parse_rating(value: str | int | None) -> int:
    """1..5, or InvalidInput in Indonesian."""
    text = str(value if value is not None else "").strip()
    if text not in RATINGS:
        raise InvalidInput("rating", "Nilai harus satu angka dari 1 sampai 5.")
    return int(text)


def rate(session: Session, ticket: Ticket, value: str | int | None, *,
         now: datetime | None = None) -> TicketRating:
    """Store the reporter's rating of a ticket they said is fixed. The first rating
    stays: a repeat changes nothing."""
    rating = parse_rating(value)
    row = rating_of(session, ticket)
    if row is None:
        raise IllegalTransition("Penilaian hanya dapat diberikan setelah pelapor "
                                "menyatakan masalah selesai.")
    if row.rating is None:
        row.rating = rating
        row.rated_at = now or utcnow()
        record_event(session, ticket, REPORTER, "feedback",
                     f"Pelapor memberi nilai {rating} dari 5.", shared_with=row.pokja_id)
        session.flush()
    return row


def reopenings(session: Session, ticket: Ticket) -> list[Reopening]:
    return list(session.scalars(select(Reopening).where(Reopening.ticket_id == ticket.id)
                                .order_by(Reopening.seq)))


def latest_reopening(session: Session, ticket: Ticket) -> Reopening | None:
    return session.scalar(select(Reopening).where(Reopening.ticket_id == ticket.id)
                          .order_by(Reopening.seq.desc()).limit(1))


def is_escalated(session: Session, ticket: Ticket) -> bool:
    """Reopened past the limit and not yet taken up: the supervisors' to handle."""
    if ticket.status is not Status.REOPENED:
        return False
    latest = latest_reopening(session, ticket)
    return latest is not None and latest.escalated


def require_not_escalated(session: Session, event: events.PokjaActing) -> None:
    """A pokja may not act on a ticket escalated to the supervisors (checked at write;
    subscribed to :class:`tickets.events.PokjaActing` by the composition root)."""
    ticket = session.get(Ticket, event.ticket_id)
    if event.role in (Role.POKJA, Role.HEAD) and ticket is not None \
            and is_escalated(session, ticket):
        raise PermissionDenied("Tiket ini dibuka kembali berulang kali dan kini ditangani "
                               "supervisor.")


def _clean_note(text: str | None) -> str | None:
    note = (text or "").replace("\r\n", "\n").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput("note", f"Penjelasan terlalu panjang (maksimal {MAX_NOTE} karakter).")
    return note or None


def reopen(session: Session, ticket: Ticket, *, channel: FeedbackChannel,
           policy: FeedbackPolicy, call_sid: str | None = None, note: str | None = None,
           now: datetime | None = None) -> Reopening:
    """The reporter says it is not fixed: back to the same pokja, or past the limit to
    the supervisors. A repeat from the same call returns the same reopening."""
    if call_sid:
        existing = session.scalar(select(Reopening).where(
            Reopening.ticket_id == ticket.id, Reopening.call_sid == call_sid))
        if existing is not None:
            return existing
    _require_answered(ticket)
    text = _clean_note(note)
    now = now or utcnow()
    count = session.scalar(select(func.count()).select_from(Reopening)
                           .where(Reopening.ticket_id == ticket.id)) or 0
    escalated = count >= policy.reopen_limit
    reopening = Reopening(ticket=ticket, seq=count + 1, pokja_id=ticket.pokja_id,
                          channel=channel, at=now, call_sid=call_sid, escalated=escalated,
                          note=text)
    session.add(reopening)
    session.flush()  # the composer (a listener of the transition) reads it
    label = f"Pelapor menyatakan masalah belum selesai (dibuka kembali ke-{count + 1})"
    label += ("; diteruskan ke supervisor karena sudah "
              f"{count} kali dibuka kembali." if escalated else ".")
    event = transition(session, ticket, Status.REOPENED, REPORTER, label, tz=policy.timezone,
                       now=now, shared_with=ticket.pokja_id)
    reopening.event_id = event.id
    session.flush()
    if text:
        events.publish(session, events.ComplaintText(ticket, text, "balasan"))
    return reopening


def add_note(session: Session, reopening: Reopening, text: str | None) -> Reopening:
    """The reporter's typed explanation of what is not fixed (a message reply)."""
    note = _clean_note(text)
    if note is None:
        raise InvalidInput("note", "Penjelasan tidak boleh kosong.")
    if reopening.note is None:
        reopening.note = note
        session.flush()
        events.publish(session, events.ComplaintText(reopening.ticket, note, "balasan"))
    return reopening


# --- the message conversation -----------------------------------------------------------

def _awaits_rating(session: Session, ticket: Ticket, now: datetime) -> TicketRating | None:
    row = rating_of(session, ticket)
    if (row is None or row.rating is not None or row.channel is FeedbackChannel.PHONE
            or row.confirmed_at < now - REPLY_WINDOW):
        return None
    return row


def _awaits_note(session: Session, ticket: Ticket, now: datetime) -> Reopening | None:
    if ticket.status is not Status.REOPENED:
        return None
    latest = latest_reopening(session, ticket)
    if (latest is None or latest.channel is FeedbackChannel.PHONE or latest.note
            or latest.at < now - REPLY_WINDOW):
        return None
    return latest


def awaits_reply(session: Session, ticket: Ticket, now: datetime | None = None) -> bool:
    """Whether a message from the reporter about ``ticket`` is a feedback reply: the
    answer's question, or the rating or explanation asked for next."""
    now = now or utcnow()
    return (ticket.status is Status.ANSWERED or _awaits_rating(session, ticket, now) is not None
            or _awaits_note(session, ticket, now) is not None)


def ticket_awaiting_reply(session: Session, phone: str | None,
                          now: datetime | None = None) -> Ticket | None:
    """The ticket a message from ``phone`` answers, if any: the reporter's most recently
    updated ticket that awaits a feedback reply."""
    number = caller_number(phone)
    if not number:
        return None
    now = now or utcnow()
    candidates = session.scalars(select(Ticket).where(
        Ticket.reporter_phone == number,
        Ticket.status.in_((Status.ANSWERED, Status.CLOSED, Status.REOPENED)),
        Ticket.updated_at >= now - timedelta(days=90),
    ).order_by(Ticket.updated_at.desc(), Ticket.id.desc()).limit(20))
    return next((t for t in candidates if awaits_reply(session, t, now)), None)


Reply = tuple[str, dict[str, object]]  # a catalogue key and its values


def handle_reply(session: Session, ticket: Ticket, text: str, *, channel: FeedbackChannel,
                 policy: FeedbackPolicy, texts: Texts, now: datetime | None = None) -> str | None:
    """A message from the reporter about ``ticket``: do what the status line's keys do
    and return the Indonesian reply to send; None when the message is no feedback reply
    (the conversation handles it otherwise). :func:`reply` gives the same as a catalogue
    key and values, for an edge that renders its replies itself."""
    found = reply(session, ticket, text, channel=channel, policy=policy, now=now)
    return None if found is None else texts.text(found[0], **found[1])


def reply(session: Session, ticket: Ticket, text: str, *, channel: FeedbackChannel,
          policy: FeedbackPolicy, now: datetime | None = None) -> Reply | None:
    """"1" (or "sudah") closes and asks for a rating; then "1".."5" is the rating, anything
    else asks again. "2" (or "belum") reopens and asks what is not fixed (text after the
    "2" is taken as the explanation at once); the next message is the explanation.
    Anything else about an answered ticket asks the question again."""
    now = now or utcnow()
    body = " ".join((text or "").split())
    head, _, rest = body.partition(" ")
    head = head.lower().strip(".,!;:")
    number: dict[str, object] = {"number": ticket.number}
    if ticket.status is Status.ANSWERED:
        if head in _FIXED and not rest:
            confirm_fixed(session, ticket, channel=channel, tz=policy.timezone, now=now)
            return "feedback_msg_rate", number
        if head in _NOT_FIXED:
            try:
                reopening = reopen(session, ticket, channel=channel, policy=policy,
                                   note=rest or None, now=now)
            except InvalidInput:
                return "feedback_msg_too_long", {"limit": MAX_NOTE}
            return ("feedback_msg_noted" if reopening.note else "feedback_msg_explain"), number
        return "feedback_msg_ask", number
    if _awaits_rating(session, ticket, now) is not None:
        try:
            rate(session, ticket, body, now=now)
        except InvalidInput:
            return "feedback_msg_rate_again", {}
        return "feedback_msg_thanks", number
    waiting = _awaits_note(session, ticket, now)
    if waiting is not None:
        if not body:
            return "feedback_msg_explain", number
        try:
            add_note(session, waiting, body)
        except InvalidInput:
            return "feedback_msg_too_long", {"limit": MAX_NOTE}
        record_event(session, ticket, REPORTER, "feedback", "Pelapor mengirim penjelasan.",
                     shared_with=waiting.pokja_id)
        session.flush()
        return "feedback_msg_noted", number
    return None
