"""Complaints by message: the conversation with one sender, step by step.

The messaging adapter parses Twilio's form into an :class:`Inbound`, calls
:func:`receive` and renders the :class:`Say` list it gets back (prompt keys with their
values) as TwiML; the rules live here. A conversation mirrors the voice menu:
greeting and menu, category, anonymity, then content (text, voice notes, photos) until
``SELESAI`` files the ticket. ``STATUS <number>``, ``BATAL``, ``MENU`` and
``BERHENTI``/``STOP`` work at any step.

Every message is kept once, keyed on ``MessageSid``, with the reply it got: a retried
webhook gets that reply again and changes nothing. A reply to a question about an
existing ticket (the needs-information request) is dispatched in one place,
:func:`answer_pending`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback import replies
from feedback.models import FeedbackChannel
from media.models import AttachmentKind
from messaging import filing
from messaging.filing import ConversationPolicy
from messaging.models import Conversation, InboundMessage
from tickets.clock import utcnow
from tickets.db import insert_ignore
from tickets.errors import NotFound
from tickets.models import Category
from tickets.services import InvalidNumber, status_report

Say = tuple[str, dict[str, object]]

__all__ = ["ConversationPolicy", "Inbound", "Media", "Outcome", "receive", "remember_reply"]

AUDIO_TYPES = frozenset({"audio/ogg", "audio/amr", "audio/mpeg", "audio/mp4"})
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
_STATUS = re.compile(r"(?:STATUS|CEK)\s*:?\s*(\d{8})")
_YES = {"1", "YA", "Y"}
_NO = {"2", "TIDAK", "T", "TDK"}


@dataclass(frozen=True)
class Media:
    url: str
    content_type: str  # declared by Twilio, parameters dropped, lower case


@dataclass(frozen=True)
class Inbound:
    """One inbound message, its fields checked where the webhook entered."""

    message_sid: str
    address: str          # ``From``: ``whatsapp:+62…`` or ``+62…``
    channel: str          # whatsapp | sms
    phone: str | None     # E.164
    body: str
    media: tuple[Media, ...] = ()
    profile_name: str | None = None


@dataclass
class Outcome:
    """What to answer: ``replies`` to render, or ``stored`` (a retried MessageSid)."""

    replies: list[Say] = field(default_factory=list)
    stored: str | None = None
    message_id: int | None = None


def _say(key: str, **values: object) -> Say:
    return (key, values)


def _conversation(session: Session, inbound: Inbound, now: datetime) -> Conversation:
    insert_ignore(session, Conversation.__table__, {  # type: ignore[arg-type]
        "address": inbound.address, "channel": inbound.channel, "phone": inbound.phone,
        "state": "new", "anonim": False, "last_inbound_at": now, "opted_out": False,
        "window_started_at": now, "window_count": 0, "limited_told": False,
        "created_at": now}, ["address"])
    conv = session.scalars(select(Conversation).where(Conversation.address == inbound.address)
                           .with_for_update().execution_options(populate_existing=True)).one()
    return conv


def _replied(session: Session, message_sid: str) -> InboundMessage | None:
    return session.scalar(select(InboundMessage).where(
        InboundMessage.message_sid == message_sid))


def receive(session: Session, inbound: Inbound, policy: ConversationPolicy,
            now: datetime | None = None) -> Outcome:
    """Take one inbound message; flushes, never commits."""
    now = now or utcnow()
    seen = _replied(session, inbound.message_sid)
    if seen is not None:
        return Outcome(stored=seen.reply or "")
    conv = _conversation(session, inbound, now)
    seen = _replied(session, inbound.message_sid)  # a retry that raced us, now committed
    if seen is not None:
        return Outcome(stored=seen.reply or "")
    if now - conv.window_started_at > policy.rate_window:
        conv.window_started_at, conv.window_count, conv.limited_told = now, 0, False
    conv.window_count += 1
    if conv.window_count > policy.rate_limit:
        # A flood: told once, and nothing of it is stored.
        told, conv.limited_told = conv.limited_told, True
        session.flush()
        return Outcome([] if told else [_say("msg_rate_limited")])
    replies: list[Say] = []
    filed = filing.expire_if_idle(session, conv, policy, now)
    if filed is not None:
        replies.append(_say("msg_idle_filed", number=filed.number))
    conv.last_inbound_at = now
    if inbound.profile_name:
        conv.profile_name = inbound.profile_name[:200]
    message = InboundMessage(message_sid=inbound.message_sid, conversation_id=conv.id,
                             received_at=now, body=inbound.body[:policy.max_chars * 2] or None,
                             num_media=len(inbound.media), role="command", draft=False)
    session.add(message)
    session.flush()
    replies += _dispatch(session, conv, message, inbound, policy, now)
    session.flush()
    return Outcome(replies, message_id=message.id)


def remember_reply(session: Session, message_id: int, text: str) -> None:
    """Keep the reply as sent, for a retried webhook."""
    message = session.get(InboundMessage, message_id)
    if message is not None:
        message.reply = text
        session.flush()


def _menu(session: Session) -> list[Say]:
    return [_say("msg_menu")]


def _categories(session: Session) -> list[Category]:
    return list(session.scalars(select(Category).where(
        Category.active.is_(True), Category.ivr_digit.is_not(None)).order_by(Category.ivr_digit)))


def _category_list(session: Session) -> list[Say]:
    options = "".join(f"\n{c.ivr_digit}. {c.name}" for c in _categories(session))
    return [_say("msg_category_list", options=options)]


def _dispatch(session: Session, conv: Conversation, message: InboundMessage, inbound: Inbound,
              policy: ConversationPolicy, now: datetime) -> list[Say]:
    text = inbound.body.strip()
    word = " ".join(text.upper().split())
    if word in ("BERHENTI", "STOP", "UNSUBSCRIBE"):
        filing.opt_out(session, conv)
        return [_say("msg_opted_out")]
    if word in ("MULAI", "START"):
        conv.opted_out = False
        return [_say("msg_opted_in")]
    if word == "BATAL":
        cancelled = filing.cancel_draft(session, conv)
        conv.state = "menu"
        return [_say("msg_cancelled" if cancelled else "msg_nothing_to_cancel"), *_menu(session)]
    status = _STATUS.fullmatch(word)
    if status:
        return _status(session, status.group(1), conv.phone)
    if word == "MENU":
        if conv.state == "content" and filing.draft_has_content(session, conv):
            return [_say("msg_draft_open")]
        conv.state = "menu"
        return [_say("msg_greeting"), *_menu(session)]
    if conv.state == "new" or (conv.state == "menu" and conv.pending_kind):
        pending = answer_pending(session, conv, message, inbound, policy, now)
        if pending:
            return pending
    if conv.state == "new":
        # A first message that already picks from the menu is taken as that choice.
        conv.state = "menu"
        if word in ("1", "2"):
            return [_say("msg_greeting"), *_menu_choice(session, conv, word)]
        return [_say("msg_greeting"), *_menu(session)]
    if conv.state == "menu":
        return _menu_choice(session, conv, word)
    if conv.state == "category":
        chosen = next((c for c in _categories(session) if str(c.ivr_digit) == word), None)
        if chosen is None:
            return [_say("msg_wrong_choice"), *_category_list(session)]
        conv.category_id, conv.state = chosen.id, "anonim"
        return [_say("msg_anonim")]
    if conv.state == "anonim":
        if word not in _YES | _NO:
            return [_say("msg_wrong_choice"), _say("msg_anonim")]
        conv.anonim, conv.state = word in _YES, "content"
        return [_say("msg_content")]
    if conv.state == "content":
        if word == "SELESAI":
            if not filing.draft_has_content(session, conv):
                return [_say("msg_content_empty")]
            ticket = filing.file_draft(session, conv, policy.tz)
            conv.state = "menu"
            return [_say("msg_filed", number=ticket.number)]
        return _content(session, conv, message, inbound, policy)
    if conv.state == "status":
        if not text.isdigit():
            return [_say("msg_status_hint")]
        conv.state = "menu"
        replies = _status(session, text, conv.phone)
        if replies and replies[0][0] == "msg_status_invalid":
            conv.state = "status"
        return replies
    conv.state = "menu"
    return _menu(session)


def _menu_choice(session: Session, conv: Conversation, word: str) -> list[Say]:
    if word == "1":
        if not _categories(session):
            return [_say("msg_no_categories")]
        conv.state = "category"
        return _category_list(session)
    if word == "2":
        conv.state = "status"
        return [_say("msg_status_ask")]
    if len(word) == 8 and word.isdigit():
        return _status(session, word, conv.phone)
    return [_say("msg_wrong_choice"), *_menu(session)]


def _status(session: Session, number: str, phone: str | None) -> list[Say]:
    """The status; the details (pokja, answer, rejection) only to the reporter's own
    number, as on the phone (``tickets.services.status_report``)."""
    try:
        report = status_report(session, number, phone=phone)
    except InvalidNumber:
        return [_say("msg_status_invalid")]
    except NotFound:
        return [_say("msg_status_not_found", number=number)]
    replies = [_say("msg_status_intro", number=report.number),
               _say(f"status_{report.status.value}")]
    if report.pokja_name:
        replies.append(_say("status_pokja", pokja=report.pokja_name))
    if report.answer:
        replies.append(_say("status_answer", answer=report.answer))
    notice = report.rejection
    if notice is not None:
        if notice.duplicate and notice.duplicate_of:
            replies.append(_say("msg_status_duplicate", original=notice.duplicate_of))
        elif not notice.duplicate:
            replies.append(_say("status_rejected_reason", reason=notice.reason_label))
            if notice.message:
                replies.append(_say("status_rejected_message", message=notice.message))
    if not report.full and report.verifiable:
        replies.append(_say("msg_status_limited"))
    return replies


def accepted_kind(content_type: str) -> AttachmentKind | None:
    if content_type in AUDIO_TYPES:
        return AttachmentKind.AUDIO
    if content_type in IMAGE_TYPES:
        return AttachmentKind.IMAGE
    return None


def _take_media(session: Session, message: InboundMessage, inbound: Inbound, room: int,
                ticket_id: int | None) -> tuple[int, list[Say]]:
    """Attachments for the accepted media (at most ``room``); the replies for the rest."""
    taken, refused = 0, []  # refused: prompt keys, each said once
    for index, media in enumerate(inbound.media):
        kind = accepted_kind(media.content_type)
        if kind is None:
            refused.append("msg_media_refused")
            continue
        if taken >= room:
            refused.append("msg_media_too_many")
            continue
        filing.add_attachment(session, message, index, kind, media.url,
                                      media.content_type, ticket_id)
        taken += 1
    return taken, [_say(key) for key in dict.fromkeys(refused)]


def _content(session: Session, conv: Conversation, message: InboundMessage, inbound: Inbound,
             policy: ConversationPolicy) -> list[Say]:
    text = inbound.body.strip()
    if len(text) > policy.max_chars:
        message.role = "refused"
        message.body = None
        return [_say("msg_too_long", limit=policy.max_chars)]
    room = policy.max_media - filing.draft_media_count(session, conv)
    message.role, message.draft = "content", True
    taken, refused = _take_media(session, message, inbound, room, None)
    if not text and not taken:
        message.role, message.draft = "refused", False
        return refused or [_say("msg_content_empty")]
    return [*refused, _say("msg_content_ack")]


# --- replies to a question about an existing ticket --------------------------------------

def answer_pending(session: Session, conv: Conversation, message: InboundMessage,
                   inbound: Inbound, policy: ConversationPolicy, now: datetime) -> list[Say]:
    """The one place a reporter's reply to a pending question on an existing ticket is
    dispatched, by the question's kind; an empty list: no question waits, the message
    goes on to the menu. ``needs_info``: the operator postponed the ticket for more
    information (:func:`messaging.filing.ask_for_information`); then the answer's
    "is it fixed?" and what it asks next (:func:`feedback.replies.reply`)."""
    if conv.pending_kind == "needs_info" and conv.pending_ticket_id is not None:
        text = inbound.body.strip()[:policy.max_chars]
        taken, refused = _take_media(session, message, inbound, policy.max_media,
                                     conv.pending_ticket_id)
        if not text and not taken:
            return refused or [_say("msg_info_empty")]
        number = filing.information_received(session, conv, message, text, taken,
                                                     tz=policy.tz, now=now)
        return [*refused, _say("msg_info_received", number=number)]
    conv.pending_kind = conv.pending_ticket_id = None
    if policy.feedback is not None and conv.phone:
        ticket = replies.ticket_awaiting_reply(session, conv.phone, now)
        if ticket is not None:
            found = replies.reply(session, ticket, inbound.body, policy=policy.feedback,
                                   channel=FeedbackChannel(conv.channel), now=now)
            if found is not None:
                message.role, message.ticket_id = "reply", ticket.id
                return [found]
    return []


def last_inbound(session: Session, address: str) -> datetime | None:
    """When ``address`` (``whatsapp:+62…``, ``+62…``) last wrote to us, if ever: WhatsApp's
    24-hour window of free-form replies counts from it (notify.channels)."""
    return session.scalar(select(Conversation.last_inbound_at).where(
        Conversation.address == address))
