"""The ticket page's "answer fast" tools: the canned-reply picker (filled for this
user and ticket), the files of the pokja's answer, and the desk's message to the
reporter. Their writes are actions of the ticket form (``agents.ticket.ACTIONS``), so a
refusal shows the page again with what was typed (``agents.web.shows_refusal``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from flask import abort, g, request, send_file
from werkzeug.wrappers import Response

from agents import forms
from agents.web import bp, cfg, db, user
from answering import canned, files, outreach
from answering.models import AnswerFile, ReporterMessage
from tickets.lifecycle import AT_POKJA
from tickets.models import Role, Ticket
from tickets.permissions import AGENCY_ROLES, DESK_ROLES, viewable_ticket

T = TypeVar("T")


@dataclass
class AnswerDesk:
    """What the ticket page's answer tools show to the signed-in user."""

    canned: list[canned.Filled]
    files: list[AnswerFile]
    can_attach: bool
    max_files: int
    can_message: bool
    channels: list[outreach.Choice] = field(default_factory=list)
    blocked: str | None = None
    sent: list[ReporterMessage] = field(default_factory=list)
    public_links: list[str] = field(default_factory=list)


def public_links(ticket: Ticket) -> list[str]:
    """The public addresses of the answer's files, on the public site's address as the
    automatic "answered" message gives them (``answering.files.public_links``)."""
    return files.public_links(cfg().public_base_url)(db(), ticket)


@bp.app_context_processor
def _answer_desk() -> dict[str, Any]:
    def answer_desk(ticket: Ticket) -> AnswerDesk:
        # Several blocks of the page ask; the page is drawn once per request.
        cache: dict[int, AnswerDesk] = g.setdefault("answer_desk", {})
        if ticket.id not in cache:
            cache[ticket.id] = _build(ticket)
        return cache[ticket.id]

    return {"answer_desk": answer_desk, "CANNED_CHANNELS": outreach.CHANNEL_LABELS}


def _build(ticket: Ticket) -> AnswerDesk:
    agent = user()
    rows = files.files_of(db(), ticket)
    desk = agent.role in DESK_ROLES
    attaching = (agent.role in (*AGENCY_ROLES, Role.SUPERVISOR)
                 and ticket.status in AT_POKJA)
    return AnswerDesk(
        canned=canned.for_ticket(db(), agent, ticket, cfg().timezone),
        files=rows, can_attach=attaching, max_files=files.MAX_FILES,
        can_message=desk,
        channels=outreach.channels_for(ticket) if desk else [],
        blocked=outreach.why_not(ticket) if desk else None,
        sent=outreach.messages_of(db(), ticket) if desk else [],
        public_links=public_links(ticket) if desk else [])


def _incoming() -> list[files.Incoming]:
    return [files.Incoming(f.filename or "", f.read(files.uploads.MAX_UPLOAD_BYTES + 1))
            for f in request.files.getlist(files.FIELD)]


def with_files(number: str, run: Callable[[], T]) -> T:
    """The pokja's answer (a draft, an answer, a submission for approval) with the files
    chosen in its form: every file is checked before anything is written; a refused
    answer takes its files away again."""
    checked = files.check(_incoming())
    media_dir: Path = cfg().recordings_dir
    written = files.attach(db(), user(), number, checked, media_dir)
    try:
        return run()
    except Exception:
        for row in written:
            files.discard(media_dir, row.path)
        raise


def remove_file(number: str, f: Any) -> None:
    files.remove(db(), user(), number, forms.optional_int(f, "file_id"), cfg().recordings_dir)


def send_message(number: str, f: Any) -> None:
    text = f.get("reporter_text", "")
    if forms.checkbox(f, "with_links"):
        ticket = viewable_ticket(db(), user(), number)
        links = public_links(ticket)
        if links:
            text = f"{text.rstrip()}\nLampiran jawaban: " + " ".join(links)
    outreach.send(db(), user(), number, text, f.get("reporter_channel", ""))


@bp.get("/tiket/<number>/lampiran-jawaban/<int:file_id>")
def answer_file(number: str, file_id: int) -> Response:
    """A file of the pokja's answer, for whoever may open the ticket."""
    ticket = viewable_ticket(db(), user(), number)
    row = files.file_of(db(), ticket, file_id)
    found = files.stored(cfg().recordings_dir, row)
    if found is None:
        abort(404)
    path, content_type = found
    response = send_file(path, mimetype=content_type, download_name=row.file_name,
                         as_attachment=content_type == "application/pdf", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
