"""What a conversation writes: the complaint being composed, the ticket it becomes, its
attachments and their text, the needs-information request and the reporter's reply.

The ticket's text is the typed messages and the voice notes' transcripts in the order
they were sent (:func:`refresh_text`). A ticket with voice notes waits in *recorded*
until every one is transcribed (or failed), then goes to awaiting verification.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from feedback.replies import FeedbackPolicy
from media.models import Attachment, AttachmentKind, AttachmentStatus
from messaging.models import Conversation, InboundMessage
from speech import hearing
from tickets import events
from tickets.clock import utcnow
from tickets.db import insert_ignore
from tickets.lifecycle import SYSTEM, Actor, record_event, transition
from tickets.models import Category, Channel, Status, Ticket, Transcript, TranscriptionStatus
from tickets.services import create_ticket, stop_contact

REPORTER = Actor("pelapor")


@dataclass(frozen=True)
class ConversationPolicy:
    """The limits of a conversation (settings: docs/messaging.md)."""

    tz: str
    idle: timedelta = timedelta(minutes=30)
    rate_limit: int = 30
    rate_window: timedelta = timedelta(minutes=10)
    max_chars: int = 1600
    max_media: int = 10
    # The reporter's "is it fixed?" replies (feedback.replies); None: not asked.
    feedback: FeedbackPolicy | None = None

ENGINE = "pesan"  # the Transcript.engine of a ticket's text assembled from its messages
WRITING = ("category", "anonim", "content")


def _draft(session: Session, conv: Conversation) -> list[InboundMessage]:
    return list(session.scalars(select(InboundMessage).where(
        InboundMessage.conversation_id == conv.id, InboundMessage.draft.is_(True))
        .order_by(InboundMessage.id)))


def draft_has_content(session: Session, conv: Conversation) -> bool:
    return bool(_draft(session, conv))


def draft_media_count(session: Session, conv: Conversation) -> int:
    return session.scalar(select(func.count()).select_from(Attachment).join(
        InboundMessage, Attachment.message_id == InboundMessage.id).where(
        InboundMessage.conversation_id == conv.id, InboundMessage.draft.is_(True))) or 0


def add_attachment(session: Session, message: InboundMessage, index: int,
                   kind: AttachmentKind, url: str, declared: str,
                   ticket_id: int | None) -> Attachment:
    attachment = Attachment(
        message_id=message.id, media_index=index, ticket_id=ticket_id, kind=kind,
        source_url=url, declared_type=declared, status=AttachmentStatus.PENDING,
        transcript_status=(TranscriptionStatus.PENDING if kind is AttachmentKind.AUDIO
                           else TranscriptionStatus.NONE),
        download_attempts=0, transcribe_attempts=0, created_at=utcnow())
    session.add(attachment)
    session.flush()
    events.publish(session, events.AttachmentFiled(attachment.id))
    return attachment


def cancel_draft(session: Session, conv: Conversation) -> bool:
    """BATAL: the complaint being written is dropped (its messages stay, marked)."""
    draft = _draft(session, conv)
    for message in draft:
        message.draft, message.role = False, "cancelled"
    conv.category_id, conv.anonim = None, False
    session.flush()
    return bool(draft) or conv.state in WRITING


def opt_out(session: Session, conv: Conversation) -> None:
    """BERHENTI/STOP: no more updates to this address, on any of its tickets."""
    conv.opted_out = True
    if conv.phone:
        for ticket in session.scalars(select(Ticket).where(
                Ticket.reporter_phone == conv.phone,
                Ticket.channel == Channel(conv.channel))):
            stop_contact(session, ticket)
    session.flush()


def file_draft(session: Session, conv: Conversation, tz: str, note: str | None = None) -> Ticket:
    """The complaint being written becomes a ticket (SELESAI, or idle expiry)."""
    draft = _draft(session, conv)
    attachments = [a for m in draft for a in m.attachments]
    has_audio = any(a.kind is AttachmentKind.AUDIO for a in attachments)
    category = session.get(Category, conv.category_id) if conv.category_id else None
    ticket = create_ticket(
        session, channel=Channel(conv.channel), actor=REPORTER, tz=tz, category=category,
        anonim=conv.anonim, reporter_name=conv.profile_name, reporter_phone=conv.phone,
        status=Status.RECORDED if has_audio else Status.AWAITING_VERIFICATION,
        transcription_status=TranscriptionStatus.PENDING, note=note)
    if conv.opted_out:
        ticket.contact_opt_out = True
    session.flush()
    for message in draft:
        message.draft, message.ticket_id = False, ticket.id
    for attachment in attachments:
        attachment.ticket_id = ticket.id
    conv.category_id, conv.anonim = None, False
    session.flush()
    refresh_text(session, ticket, tz=tz)
    return ticket


def expire_if_idle(session: Session, conv: Conversation, policy: ConversationPolicy,
                   now: datetime) -> Ticket | None:
    """A conversation idle longer than the policy's ``idle``: one holding content is
    filed (its ticket returned), one without simply starts again."""
    if conv.state == "new" or now - conv.last_inbound_at <= policy.idle:
        return None
    ticket = None
    if conv.state == "content" and draft_has_content(session, conv):
        ticket = file_draft(session, conv, policy.tz,
                            note="Dikirim otomatis: percakapan tidak berlanjut.")
    else:
        cancel_draft(session, conv)
    conv.state = "new"
    session.flush()
    return ticket


def expire_idle(session: Session, policy: ConversationPolicy, now: datetime | None = None) -> int:
    """The sweep: file or end every idle conversation; the reporter is told the number."""
    now = now or utcnow()
    cutoff = now - policy.idle
    filed = 0
    for conv_id in list(session.scalars(select(Conversation.id).where(
            Conversation.state.in_(WRITING), Conversation.last_inbound_at < cutoff))):
        conv = session.scalars(select(Conversation).where(Conversation.id == conv_id)
                               .with_for_update()
                               .execution_options(populate_existing=True)).one()
        ticket = expire_if_idle(session, conv, policy, now)
        if ticket is not None and conv.phone:
            filed += 1
            events.publish(session, events.ReporterNotice(
                ticket, conv.channel, conv.phone, "msg_idle_filed",
                {"number": ticket.number}, "idle_filed"))
    return filed


def _parts(session: Session, ticket: Ticket) -> list[str]:
    """The typed text and the voice notes' transcripts, in the order they were sent."""
    parts: list[str] = []
    for message in session.scalars(select(InboundMessage).where(
            InboundMessage.ticket_id == ticket.id, InboundMessage.role == "content")
            .order_by(InboundMessage.id)):
        if message.body and message.body.strip():
            parts.append(message.body.strip())
        for attachment in message.attachments:
            if attachment.kind is AttachmentKind.AUDIO and attachment.transcript:
                parts.append(attachment.transcript.strip())
    return [p for p in parts if p]


def refresh_text(session: Session, ticket: Ticket, *, tz: str) -> None:
    """Once every voice note of the complaint is transcribed (or failed), its text is
    stored as the ticket's transcript and the ticket goes to the operators."""
    if ticket.transcript is not None or ticket.channel not in (Channel.WHATSAPP, Channel.SMS):
        return
    audio = list(session.scalars(select(Attachment).join(
        InboundMessage, Attachment.message_id == InboundMessage.id).where(
        InboundMessage.ticket_id == ticket.id, InboundMessage.role == "content",
        Attachment.kind == AttachmentKind.AUDIO)))
    if any(a.transcript_status is TranscriptionStatus.PENDING for a in audio):
        return
    failed = [a for a in audio if a.transcript_status is TranscriptionStatus.FAILED]
    manual = any(a.transcript_status is TranscriptionStatus.MANUAL for a in audio)
    unheard = [a for a in audio if a.transcript_status is TranscriptionStatus.NO_SPEECH]
    text = "\n".join(_parts(session, ticket))
    session.add(Transcript(ticket=ticket, recording_id=None, text=text, words=[],
                           language="id", engine=ENGINE, created_at=utcnow()))
    if failed:
        ticket.transcription_status = TranscriptionStatus.FAILED
        ticket.transcription_error = "; ".join(
            f"pesan suara {a.id}: {a.error or 'tidak dapat ditranskripsi'}" for a in failed)
    elif unheard and hearing.no_speech(text) is not None:
        # Nothing typed and nobody heard in the voice notes: a person listens to them.
        ticket.transcription_status = TranscriptionStatus.NO_SPEECH
        ticket.transcription_error = "; ".join(
            f"pesan suara {a.id}: {a.error or 'tidak terdengar ucapan'}" for a in unheard)
    else:
        ticket.transcription_status = (TranscriptionStatus.MANUAL if manual
                                       else TranscriptionStatus.DONE)
    note = "Isi pengaduan dari pesan tersedia."
    if ticket.status is Status.RECORDED:
        transition(session, ticket, Status.AWAITING_VERIFICATION, SYSTEM, note, tz=tz)
    events.publish(session, events.ComplaintText(ticket, text, "pesan"))
    session.flush()


def attachment_resolved(session: Session, attachment: Attachment, *, tz: str) -> None:
    """A voice note got its transcript (or failed): its ticket's text may be complete."""
    if attachment.ticket_id is None:
        return
    ticket = session.get(Ticket, attachment.ticket_id)
    if ticket is None:
        return
    message = session.get_one(InboundMessage, attachment.message_id)
    if message.role == "reply" and attachment.transcript:
        # A voice note answering a question: its words join the ticket's history.
        record_event(session, ticket, REPORTER, "note",
                     f"Transkrip pesan suara pelapor: {attachment.transcript}")
        session.flush()
    refresh_text(session, ticket, tz=tz)


def attachment_failed(session: Session, attachment: Attachment) -> None:
    """Tell the reporter that an attachment could not be taken (after the webhook, so
    by message); what they sent before stays."""
    message = session.get_one(InboundMessage, attachment.message_id)
    conv = session.get_one(Conversation, message.conversation_id)
    if conv.phone and not conv.opted_out:
        events.publish(session, events.ReporterNotice(
            session.get(Ticket, attachment.ticket_id) if attachment.ticket_id else None,
            conv.channel, conv.phone, "msg_media_failed",
            {"reason": attachment.error or "-"}, f"attachment-{attachment.id}-failed"))


@dataclass(frozen=True)
class MediaListener:
    """What a conversation does when the media pipeline is done with an attachment; the
    composition root subscribes it to ``AttachmentFailed`` and ``AttachmentResolved``."""

    tz: str

    def failed(self, session: Session, event: events.AttachmentFailed) -> None:
        attachment_failed(session, session.get_one(Attachment, event.attachment_id))

    def resolved(self, session: Session, event: events.AttachmentResolved) -> None:
        attachment_resolved(session, session.get_one(Attachment, event.attachment_id),
                            tz=self.tz)


# --- the needs-information loop ----------------------------------------------------------

def ask_for_information(session: Session, ticket: Ticket, seq: int = 1) -> bool:
    """The operator postponed ``ticket`` for more information: the reporter is asked on
    the channel they used (a phone caller by SMS) and their next message answers it."""
    phone = ticket.reporter_phone
    if not phone or ticket.contact_opt_out:
        return False
    channel = "whatsapp" if ticket.channel is Channel.WHATSAPP else "sms"
    address = f"whatsapp:{phone}" if channel == "whatsapp" else phone
    now = utcnow()
    insert_ignore(session, Conversation.__table__, {  # type: ignore[arg-type]
        "address": address, "channel": channel, "phone": phone, "state": "new",
        "anonim": False, "last_inbound_at": now, "opted_out": False,
        "window_started_at": now, "window_count": 0, "limited_told": False,
        "created_at": now}, ["address"])
    session.execute(update(Conversation).where(Conversation.address == address).values(
        pending_kind="needs_info", pending_ticket_id=ticket.id)
        .execution_options(synchronize_session=False))
    events.publish(session, events.ReporterNotice(
        ticket, channel, phone, "msg_info_request", {"number": ticket.number},
        f"needs_info#{seq}"))
    return True


def information_received(session: Session, conv: Conversation, message: InboundMessage,
                         text: str, media: int, *, tz: str, now: datetime) -> str:
    """The reporter's reply is attached to the postponed ticket, which goes back to the
    operators' queue with an audit event. Returns the ticket's number."""
    ticket = session.get_one(Ticket, conv.pending_ticket_id)
    message.role, message.ticket_id, message.body = "reply", ticket.id, text or None
    conv.pending_kind = conv.pending_ticket_id = None
    note = "Pelapor menjawab permintaan informasi"
    note += f": {text}" if text else "."
    if media:
        note += f" ({media} lampiran)"
    if ticket.status is Status.POSTPONED:
        transition(session, ticket, Status.AWAITING_VERIFICATION, REPORTER, note, tz=tz,
                   now=now)
    else:
        record_event(session, ticket, REPORTER, "note", note)
    if text:
        events.publish(session, events.ComplaintText(ticket, text, "pesan"))
    session.flush()
    return ticket.number


def postponed(session: Session, change: events.StatusChanged) -> None:
    """A listener of StatusChanged: a postponed ticket asks its reporter."""
    if change.to_status is Status.POSTPONED:
        ask_for_information(session, change.ticket, change.seq)
