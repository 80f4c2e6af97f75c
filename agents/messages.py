"""The conversation thread of a ticket that came by message, and its attachments
(voice notes with their transcript, photos), served to who may see the reporter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import abort, send_file
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from agents.web import bp, cfg, db, user
from answering import outreach
from media.attachments import stored_path, stored_type
from media.models import AttachmentKind, AttachmentStatus
from media.transcripts import shown_words
from messaging.serialize import attachments_of, messages_of
from tickets.errors import PermissionDenied
from tickets.models import Ticket
from tickets.permissions import can_see_reporter, viewable_ticket

ROLE_LABELS = {"content": "Isi pengaduan", "reply": "Jawaban atas permintaan informasi"}


@dataclass
class ShownAttachment:
    id: int
    kind: str
    ok: bool
    transcript: str | None
    transcript_status: str
    error: str | None
    words: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ShownMessage:
    at: datetime
    label: str
    body: str | None
    attachments: list[ShownAttachment]


def thread(session: Session, ticket: Ticket) -> list[ShownMessage]:
    """What the reporter wrote about ``ticket``, in order, with the attachments, and what
    the desk wrote back (``answering.outreach``)."""
    shown = []
    for message in messages_of(session, ticket):
        shown.append(ShownMessage(
            message.received_at, ROLE_LABELS.get(message.role, message.role), message.body,
            [ShownAttachment(a.id, a.kind.value, a.status is AttachmentStatus.STORED,
                             a.transcript, a.transcript_status, a.error,
                             shown_words(a.transcript_words))
             for a in message.attachments if a.ticket_id == ticket.id]))
    if shown:  # a conversation by message: the desk's own messages take their place in it
        shown += [ShownMessage(m.created_at, f"Pesan petugas ({m.author_label}, "
                               f"{outreach.CHANNEL_LABELS.get(m.channel, m.channel)})",
                               m.body, [])
                  for m in outreach.messages_of(session, ticket)]
        shown.sort(key=lambda m: m.at)
    return shown


@bp.get("/tiket/<number>/lampiran/<int:attachment_id>")
def attachment(number: str, attachment_id: int) -> Response:
    ticket = viewable_ticket(db(), user(), number)
    if not can_see_reporter(user(), ticket):
        raise PermissionDenied("Lampiran tiket anonim tidak dibuka untuk pokja.")
    found = next((a for a in attachments_of(db(), ticket) if a.id == attachment_id), None)
    path = stored_path(cfg().recordings_dir, found) if found else None
    if found is None or path is None or not path.is_file():
        abort(404)
    # The type comes from the file's own bytes; anything else is only a download, so it
    # can never render as a page on the console's origin.
    ctype = stored_type(path)
    expected = "image/" if found.kind is AttachmentKind.IMAGE else "audio/"
    usable = ctype is not None and ctype.startswith(expected)
    response = send_file(path, mimetype=ctype if usable else "application/octet-stream",
                         as_attachment=not usable,
                         download_name=f"lampiran-{ticket.number}-{attachment_id}{path.suffix}",
                         conditional=True, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
