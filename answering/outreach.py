"""The desk's own message to a ticket's reporter, from the ticket page.

Operators and supervisors only: a pokja answers through its answer (which the head may
have to approve first), and on an anonim ticket it may not even know the number. The
message goes on the reporter's channel within that channel's rules, which the
notification composer applies (``notify.compose``, on :class:`tickets.events.
ReporterMessage`): SMS as it is; WhatsApp free-form inside the 24-hour window, else the
approved template, else SMS, else held with the reason; a voice call reads it to a
number that takes no messages. Each message is kept (:class:`ReporterMessage`), shown in
the ticket's conversation and written to its history.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from answering.models import ReporterMessage
from notify.channels import can_take_sms
from tickets import events
from tickets.errors import InvalidInput
from tickets.lifecycle import Actor, Principal, record_event
from tickets.models import Channel, Ticket
from tickets.permissions import DESK_ROLES, require_role, viewable_ticket
from tickets.text import clean_text

MAX_TEXT = 1_000
CHANNEL_LABELS = {"sms": "SMS", "whatsapp": "WhatsApp", "voice": "Panggilan suara"}


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def channels_for(ticket: Ticket) -> list[Choice]:
    """The channels a message to ``ticket``'s reporter may take, the usual one first:
    WhatsApp for a WhatsApp ticket, SMS to a number that takes it, and a voice call."""
    phone = (ticket.reporter_phone or "").strip()
    if not phone:
        return []
    found = []
    if ticket.channel is Channel.WHATSAPP:
        found.append("whatsapp")
    if can_take_sms(phone):
        found.append("sms")
    found.append("voice")
    return [Choice(c, CHANNEL_LABELS[c]) for c in found]


def why_not(ticket: Ticket) -> str | None:
    """Why no message can be sent to ``ticket``'s reporter, or None."""
    if not (ticket.reporter_phone or "").strip():
        return "Tiket ini tidak memiliki nomor telepon pelapor."
    if ticket.contact_opt_out:
        return "Pelapor meminta untuk tidak dihubungi lagi (berhenti berlangganan)."
    return None


def send(session: Session, user: Principal, number: str, text: str, channel: str
         ) -> ReporterMessage:
    """Keep the message, write it to the history and hand it to the composer."""
    require_role(user, *DESK_ROLES)
    ticket = viewable_ticket(session, user, number)
    body = clean_text(text, field="reporter_text", max_len=MAX_TEXT, label="Pesan")
    if not body:
        raise InvalidInput("reporter_text", "Tulis pesan untuk pelapor.")
    refused = why_not(ticket)
    if refused:
        raise InvalidInput("reporter_text", refused)
    allowed = {c.value for c in channels_for(ticket)}
    if channel not in allowed:
        raise InvalidInput("reporter_channel", "Pilih saluran yang tersedia untuk pelapor ini.")
    message = ReporterMessage(ticket_id=ticket.id, channel=channel, body=body,
                              author_id=user.id, author_label=user.full_name)
    session.add(message)
    session.flush()
    # Internal: the text and the channel may say who the reporter is.
    record_event(session, ticket, Actor.of(user), "message",
                 f"Pesan kepada pelapor ({CHANNEL_LABELS[channel]}): {body}", internal=True)
    events.publish(session, events.ReporterMessage(ticket, channel, body, f"pesan#{message.id}"))
    return message


def messages_of(session: Session, ticket: Ticket) -> list[ReporterMessage]:
    return list(session.scalars(select(ReporterMessage).where(
        ReporterMessage.ticket_id == ticket.id).order_by(ReporterMessage.id)))
