"""The operators' queue (filters, sort, early warnings first, its live updates) and the
desk intake form."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from flask import jsonify, redirect, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from agents import forms, insights
from agents.web import bp, cfg, db, roles, shows_refusal, user
from analytics import flags
from desk import bulk, handback
from desk import services as assignment
from desk.models import CALL_CENTRE
from media import uploads
from media.attachments import NotAccepted
from tickets import sources
from tickets.contacts import readable_phone
from tickets.errors import InvalidInput
from tickets.lifecycle import TO_VERIFY
from tickets.models import Category, Channel, Pokja, Role, Status
from tickets.permissions import DESK_ROLES, viewable_ticket
from tickets.queue import (
    Filters,
    Page,
    SortKey,
    list_tickets,
    newest_ticket_id,
    snapshot,
    sort_key,
)
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


# The queue's sortable columns, as the "urut" parameter names them.
SORTS = {"nomor": "Nomor", "masuk": "Masuk", "batas": "Batas verifikasi", "status": "Status",
         "kategori": "Kategori", "kecamatan": "Kecamatan"}
# What a saved view ("tampilan") keeps of the query string.
VIEW_KEYS = ("status", "category_id", "pokja_id", "channel", "date_from", "date_to", "tanda",
             "kecamatan_id", "q", "dikembalikan", "penanganan", "urut", "arah")
# Early warnings shown first, above the pages.
PINNED = 20
# How often the open queue asks whether anything changed (milliseconds).
POLL_MS = 2000


def _sort(args: forms.Form) -> SortKey | None:
    name = (args.get("urut") or "").strip()
    descending = (args.get("arah") or "").strip() == "turun"
    if not name:
        return None
    if name == "kecamatan":
        return flags.kecamatan_sort(descending)
    return sort_key(name, descending)


def queue_filters(args: forms.Form) -> Filters:
    """The queue's filters and order from its query string (InvalidInput for a bad one);
    the ticket page's "simpan & berikutnya" walks the queue with the same ones."""
    where = insights.queue_conditions(args)
    if args.get("dikembalikan"):
        where = (*where, handback.condition())
    mine = assignment.condition(user(), (args.get("penanganan") or "").strip())
    return replace(forms.filters(args, TO_VERIFY),
                   where=where + ((mine,) if mine is not None else ()), sort=_sort(args))


def _pinned_apart(args: forms.Form) -> bool:
    """Early warnings go first unless the listing is of early warnings alone."""
    return (args.get("tanda") or "").strip() != "peringatan"


def _listing(f: Filters, args: forms.Form) -> tuple[Page, Page | None]:
    """The page asked for, and (on the first page) the early warnings above it."""
    after = args.get("after")
    if not _pinned_apart(args):
        return list_tickets(db(), user(), f, tz=cfg().timezone, after=after), None
    warned = flags.warning_condition()
    rest = list_tickets(db(), user(), replace(f, where=f.where + (~warned,)),
                        tz=cfg().timezone, after=after)
    pinned = (None if after else
              list_tickets(db(), user(), replace(f, where=f.where + (warned,)),
                           tz=cfg().timezone, limit=PINNED))
    return rest, pinned


def _table_context(page: Page, pinned: Page | None, args: dict[str, str]) -> dict[str, object]:
    shown = (pinned.tickets if pinned else []) + page.tickets
    total = (page.total or 0) + (pinned.total or 0 if pinned else 0)
    return {"page": page, "pinned": pinned, "total": total, "args": args,
            "holders": assignment.holders(db(), shown), "sorts": SORTS,
            "returned_rows": handback.marks(db(), shown),
            # The live look counts as new what came after this (on any page, any order).
            "newest": newest_ticket_id(db()),
            **insights.queue_context(shown)}


@bp.get("/antrean")
@roles(*DESK_ROLES)
def queue() -> tuple[str, int] | str:
    errors: dict[str, str] = {}
    try:
        page, pinned = _listing(queue_filters(request.args), request.args)
    except InvalidInput as exc:
        errors[exc.field] = exc.message
        page, pinned = list_tickets(db(), user(), Filters(), tz=cfg().timezone), None
    args = {k: v for k, v in request.args.items() if k not in ("after", "bagian") and v}
    if not errors:
        session[QUEUE_ARGS] = args  # "simpan & berikutnya" follows these filters
    context = _table_context(page, pinned, args)
    if request.args.get("bagian") == "tabel":  # the live queue's refresh of the table
        return render_template("agents/_queue_table.html", **context)
    return render_template("agents/queue.html", errors=errors, statuses=list(Status),
                           views=assignment.views(db(), user()), poll_ms=POLL_MS,
                           # An operator may only take tickets, so offers only themselves.
                           people=(assignment.candidates(db(), CALL_CENTRE)
                                   if user().role is Role.SUPERVISOR else [user()]),
                           bulk_actions=bulk.ACTION_LABELS, **_choices(),
                           **context), 422 if errors else 200


@bp.get("/antrean/perubahan")
@roles(*DESK_ROLES)
def queue_changes() -> Response:
    """The live queue's look: a small JSON of the filtered queue's state, its ETag the
    state itself, so an unchanged queue answers 304 with no body. ``sejak`` is the
    newest ticket id there was when the page was drawn; ``baru`` counts the matching
    tickets after it."""
    try:
        f = queue_filters(request.args)
    except InvalidInput as exc:
        return jsonify(error=exc.message), 422  # type: ignore[return-value]
    since = request.args.get("sejak", "")
    state = snapshot(db(), user(), f, tz=cfg().timezone,
                     since=int(since) if since.isdigit() else None)
    mark = (f"{state.total}:{state.newest}:{state.changed.isoformat() if state.changed else '-'}"
            f":{assignment.latest_assignment(db())}:{flags.latest_alert(db())}")
    tag = hashlib.sha256(mark.encode()).hexdigest()[:20]
    response = jsonify(tanda=tag, jumlah=state.total, baru=state.new)
    response.set_etag(tag)
    return response.make_conditional(request)


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
