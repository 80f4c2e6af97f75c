"""The operators' queue and the desk intake form."""

from __future__ import annotations

from dataclasses import replace

from flask import redirect, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from agents import forms, insights
from agents.web import bp, cfg, db, roles, shows_refusal, user
from desk import handback
from media import uploads
from media.attachments import NotAccepted
from tickets import sources
from tickets.contacts import readable_phone
from tickets.errors import InvalidInput
from tickets.lifecycle import TO_VERIFY
from tickets.models import Category, Channel, Pokja, Status
from tickets.permissions import DESK_ROLES, viewable_ticket
from tickets.queue import Filters, list_tickets
from tickets.sources import SOURCE_LABELS
from tickets.workflow import (
    DESK_CHANNELS,
    DeskComplaint,
    file_and_forward,
    file_desk_complaint,
)

# The session key of the queue's last filters (a query string's arguments).
QUEUE_ARGS = "antrean"


def _choices() -> dict[str, object]:
    return {
        "categories": list(db().scalars(select(Category).order_by(Category.name))),
        "pokjas": list(db().scalars(select(Pokja).where(Pokja.active.is_(True))
                                    .order_by(Pokja.name))),
    }


def queue_filters(args: MultiDict[str, str]) -> Filters:
    """The queue's filters from its query string (InvalidInput for a wrong value); the
    ticket page's "simpan & berikutnya" walks the queue with the same ones."""
    where = insights.queue_conditions(args)
    if args.get("dikembalikan"):
        where = (*where, handback.condition())
    return replace(forms.filters(args, TO_VERIFY), where=where)


@bp.get("/antrean")
@roles(*DESK_ROLES)
def queue() -> tuple[str, int] | str:
    errors: dict[str, str] = {}
    try:
        f = queue_filters(request.args)
        page = list_tickets(db(), user(), f, tz=cfg().timezone, after=request.args.get("after"))
    except InvalidInput as exc:
        errors[exc.field] = exc.message
        page = list_tickets(db(), user(), Filters(), tz=cfg().timezone)
    args = {k: v for k, v in request.args.items() if k != "after" and v}
    if not errors:
        session[QUEUE_ARGS] = args  # "simpan & berikutnya" follows these filters
    return render_template("agents/queue.html", page=page, errors=errors, args=args,
                           statuses=list(Status), **_choices(),
                           returned_rows=handback.marks(db(), page.tickets),
                           **insights.queue_context(page.tickets)), 422 if errors else 200


def _intake_form(errors: dict[str, str] | None = None) -> tuple[str, int]:
    return render_template("agents/intake.html", errors=errors or {}, form=request.form,
                           channels=[c for c in Channel if c in DESK_CHANNELS],
                           sources=SOURCE_LABELS, accepted=uploads.ACCEPTED,
                           file_sent=bool(request.files.get("source_file")),
                           **_choices()), 422 if errors else 200


def _intake_refused(exc: InvalidInput) -> tuple[str, int]:
    return _intake_form({exc.field: exc.message})


@bp.route("/pengaduan-baru", methods=["GET", "POST"])
@roles(*DESK_ROLES)
@shows_refusal(_intake_refused, InvalidInput)
def intake() -> Response | tuple[str, int]:
    """Desk intake. "Simpan" files the complaint for verification; "Simpan dan teruskan"
    files it and forwards it to the chosen pokja in one transaction. A refused form is
    shown again with what was typed and the reason beside the field, and nothing of it
    is kept (a ticket filed before the forward was refused is rolled back)."""
    if request.method == "GET":
        return _intake_form()
    complaint = forms.desk_complaint(request.form, tz=cfg().timezone)
    upload = _upload(complaint)
    if request.form.get("action") == "teruskan":
        ticket = file_and_forward(db(), user(), complaint, request.form.get("note"),
                                  tz=cfg().timezone)
    else:
        ticket = file_desk_complaint(db(), user(), complaint, tz=cfg().timezone)
    if upload is not None:
        kept = uploads.store(upload, cfg().recordings_dir, ticket.id,
                             year=ticket.created_at.year, month=ticket.created_at.month)
        sources.keep_file(db(), ticket.id, path=kept.path, content_type=kept.content_type,
                          size=kept.size, sha256=kept.sha256)
    return redirect(url_for("agents.intake_done", number=ticket.number))


def _upload(complaint: DeskComplaint) -> uploads.Upload | None:
    """The screenshot or scan, checked by its bytes before anything is filed."""
    sent = request.files.get("source_file")
    if sent is None or not sent.filename:
        return None
    if complaint.source is None:
        raise InvalidInput("source", "Pilih sumber pengaduan untuk berkas ini "
                                     "(mis. Dibawa ke meja layanan atau Surat).")
    try:
        return uploads.check(sent.stream.read(uploads.MAX_UPLOAD_BYTES + 1))
    except NotAccepted as exc:
        raise InvalidInput("source_file", f"Berkas ditolak: {exc.reason}.") from None


@bp.get("/pengaduan-baru/<number>")
@roles(*DESK_ROLES)
def intake_done(number: str) -> str:
    """The receipt after intake: the ticket number and the phone number as stored, for
    the operator to read back to the citizen before the conversation ends."""
    ticket = viewable_ticket(db(), user(), number)
    return render_template("agents/intake_done.html", ticket=ticket,
                           phone=readable_phone(ticket.reporter_phone))


@bp.get("/balas-manual")
@roles(*DESK_ROLES)
def manual_replies() -> str:
    """Answered public posts waiting for the operator to paste the answer on them."""
    return render_template("agents/manual_replies.html",
                           rows=sources.awaiting_manual_reply(db(), user()))
