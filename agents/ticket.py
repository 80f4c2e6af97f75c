"""The ticket page: recording, transcript, verification, decisions, notes and history."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from agents import forms, insights, outbox_rows
from agents import messages as agent_messages
from agents.answer import desk as answer_desk
from agents.desk import views as desk_views
from agents.web import bp, cfg, db, shows_refusal, user
from analytics.suggestions import Suggestion, for_display
from escalation import services as escalation
from feedback import display
from media import reopening_notes, uploads
from media.recordings import recording_path, retry_download, stored_format
from media.transcripts import shown_words
from partners import services as partners
from portal import publishing
from reporters import services as reporters
from reporting.lapor_fields import LaporFields, save_lapor_fields
from tickets import concurrency, followup, privacy, sources, workflow
from tickets.errors import (
    DomainError,
    IllegalTransition,
    InvalidInput,
    PermissionDenied,
)
from tickets.lifecycle import AT_DESK
from tickets.models import (
    CLASSIFICATION_LABELS,
    Category,
    Pokja,
    RecordingStatus,
    RejectReason,
    Role,
    Ticket,
)
from tickets.permissions import (
    AGENCY_ROLES,
    DESK_ROLES,
    can_hear_recording,
    can_see_reporter,
    history_for,
    sees_status_note,
    viewable_ticket,
)


def _mask_view(ticket: Ticket, words: list[dict[str, Any]]) -> dict[str, Any]:
    """What the desk sees of an anonim ticket's mask: the transcript's masked words
    marked, the description with its masked spans, the phrases to tick, the outward text."""
    m = privacy.masking(ticket)
    transcript = ticket.transcript.text if ticket.transcript is not None else ""
    spans = privacy.mask_spans(transcript, m)
    masked_words = {w.lower() for s in spans
                    for w in re.findall(r"\w+", transcript[s.start:s.end])}
    for w in words:
        w["mask"] = "".join(re.findall(r"\w+", w["word"].lower())) in masked_words
    description = ticket.description or ""
    written = ticket.privacy.text if ticket.privacy is not None else None
    return {
        "masking": m,
        "transcript_segments": privacy.segments(transcript, spans),
        "description_segments": privacy.segments(
            description, privacy.mask_spans(description, m)),
        "outward": privacy.outward_description(ticket) or "",
        "written": privacy.written_outward(ticket) is not None,
        "lapsed": written is not None and privacy.written_outward(ticket) is None,
        "recording_open": bool(ticket.privacy and ticket.privacy.recording_for_pokja),
    }


def _preselect(ticket: Ticket, suggestion: Suggestion | None) -> dict[str, Any]:
    """The verify form's category and pokja: the operator's own choice once saved, else
    the system's suggestion (over the caller's menu key, which is a guess from a list)."""
    chosen = {"category_id": ticket.category_id or "", "pokja_id": ticket.pokja_id or "",
              "suggested": False}
    caller_key = ticket.call.category_id if ticket.call is not None else None
    untouched = ticket.pokja_id is None and ticket.category_id in (None, caller_key)
    if suggestion is not None and untouched:
        chosen = {"category_id": suggestion.best.category_id,
                  "pokja_id": suggestion.best.pokja_id or "", "suggested": True}
    return chosen


def _page(ticket: Ticket, errors: dict[str, str] | None = None,
          form: Any = None, conflict: str | None = None) -> tuple[str, int]:
    agent = user()
    shows_reporter = can_see_reporter(agent, ticket)
    notes = reopening_notes.note_recording_ids(db(), ticket)  # shown with their reopening
    recordings = ([r for r in ticket.recordings if r.path and r.id not in notes]
                  if can_hear_recording(agent, ticket) else [])
    desk = agent.role in DESK_ROLES
    words = shown_words(ticket.transcript.words) if shows_reporter and ticket.transcript else []
    mask = _mask_view(ticket, words) if desk and ticket.anonim else None
    reporter_feedback = display.for_ticket(db(), agent, ticket)
    failed = ([r for r in ticket.recordings if r.status is RecordingStatus.FAILED]
              if agent.role in DESK_ROLES else [])
    source = sources.source_of(db(), ticket.id)
    suggestion = (for_display(db(), ticket)
                  if agent.role in DESK_ROLES and ticket.status in AT_DESK else None)
    return render_template(
        "agents/ticket.html", ticket=ticket, suggestion=suggestion,
        preselect=_preselect(ticket, suggestion), errors=errors or {}, form=form or {},
        conflict=conflict,
        shows_reporter=shows_reporter, recordings=recordings,
        events=history_for(agent, ticket), shows_status_note=sees_status_note(agent),
        failed_recordings=failed, source=source,
        manual_reply=agent.role in DESK_ROLES and sources.needs_manual_reply(source, ticket),
        transcript=ticket.transcript if shows_reporter else None,
        categories=list(db().scalars(select(Category).order_by(Category.name))),
        pokjas=list(db().scalars(select(Pokja).where(Pokja.active.is_(True))
                                 .order_by(Pokja.name))),
        reject_reasons=[r for r in RejectReason if r is not RejectReason.DUPLICATE],
        is_desk=desk, mask=mask,
        # Beyond the call centre an anonim ticket's texts are masked (tickets.privacy).
        description=ticket.description if desk else privacy.outward_description(ticket),
        location=ticket.location if desk else privacy.outward(ticket, ticket.location),
        is_followup=agent.role in (Role.POKJA, Role.HEAD, Role.SUPERVISOR),
        draft=followup.pending_draft(db(), ticket),
        approval_needed=followup.needs_approval(ticket, agent),
        partner_requests=partners.requests_for(db(), agent, ticket),
        partner_choices=(partners.partners_for(db(), ticket)
                         if agent.role in AGENCY_ROLES else []),
        messages=outbox_rows.for_ticket(db(), agent, ticket),
        feedback=reporter_feedback, reopened_at=reporter_feedback.by_event(),
        thread=agent_messages.thread(db(), ticket) if shows_reporter else [],
        # The leadership's instructions head the page; it reads, it does not act.
        dispositions=escalation.dispositions_for(db(), ticket),
        escalations=escalation.escalations_for(db(), ticket),
        trusted=reporters.report_for(db(), ticket),
        is_leadership=agent.role is Role.LEADERSHIP,
        **insights.ticket_context(agent, ticket, words),
        **desk_views.ticket_context(ticket, form if conflict else None),
    ), 409 if conflict else 422 if errors else 200


@bp.get("/tiket/<number>")
def ticket(number: str) -> tuple[str, int]:
    return _page(viewable_ticket(db(), user(), number))


@bp.get("/tiket/<number>/sumber")
def source_file(number: str) -> Response:
    """The source's screenshot or letter scan, served as its own bytes say it is."""
    ticket = viewable_ticket(db(), user(), number)
    if not can_see_reporter(user(), ticket):
        raise PermissionDenied("Berkas sumber tiket anonim tidak dibuka untuk pokja.")
    row = sources.source_of(db(), ticket.id)
    found = uploads.stored_file(cfg().recordings_dir, row.file_path if row else None)
    if found is None:
        abort(404)
    path, content_type = found
    response = send_file(path, mimetype=content_type, download_name=f"sumber-{number}"
                         f"{path.suffix}", as_attachment=content_type == "application/pdf",
                         max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/tiket/<number>/rekaman/<int:recording_id>")
def recording(number: str, recording_id: int) -> Response:
    ticket = viewable_ticket(db(), user(), number)
    if not can_hear_recording(user(), ticket):
        raise PermissionDenied("Rekaman tiket anonim tidak dibuka untuk pokja.")
    rec = next((r for r in ticket.recordings if r.id == recording_id), None)
    path = recording_path(cfg().recordings_dir, rec) if rec else None
    if path is None or not path.is_file():
        abort(404)
    # The type comes from the file's own bytes, never from what the download declared;
    # a stored file that is not audio (kept before downloads were checked) is only
    # offered as a download, so it can never render as a page on the console's origin.
    fmt = stored_format(path)
    name = f"rekaman-{ticket.number}-{recording_id}{fmt.extension if fmt else '.bin'}"
    # conditional=True answers Range requests (206), so the player can seek.
    response = send_file(path, mimetype=fmt.content_type if fmt else "application/octet-stream",
                         as_attachment=fmt is None, download_name=name,
                         conditional=True, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _tz() -> str:
    return cfg().timezone


Action = Callable[[str, Any], Any]


def _kw(f: Any) -> dict[str, Any]:
    # The version the page was rendered from (a stale form is refused) and the zone.
    return {"version": forms.version(f), "tz": _tz()}


ACTIONS: dict[str, Action] = {
    "simpan": lambda n, f: workflow.save_verification(db(), user(), n, forms.verification(f),
                                                      **_kw(f)),
    "teruskan": lambda n, f: workflow.verify_and_forward(
        db(), user(), n, forms.verification(f), f.get("note"), **_kw(f)),
    "tunda": lambda n, f: workflow.postpone(db(), user(), n, f.get("note", ""), **_kw(f)),
    "lanjutkan": lambda n, f: workflow.resume(db(), user(), n, f.get("note"), **_kw(f)),
    "tolak": lambda n, f: workflow.reject(db(), user(), n, f.get("reason", ""), f.get("note"),
                                          reporter_message=f.get("reporter_message"), **_kw(f)),
    "duplikat": lambda n, f: workflow.mark_duplicate(db(), user(), n, f.get("original", ""),
                                                     **_kw(f)),
    "catatan": lambda n, f: workflow.add_note(db(), user(), n, f.get("note", "")),
    "proses": lambda n, f: followup.start_progress(db(), user(), n, **_kw(f)),
    # The pokja's answer with the files chosen in its form (agents/answer/desk.py).
    "draf": lambda n, f: answer_desk.with_files(n, lambda: followup.save_answer_draft(
        db(), user(), n, f.get("answer", ""), **_kw(f))),
    "jawab": lambda n, f: answer_desk.with_files(n, lambda: followup.answer(
        db(), user(), n, f.get("answer", ""), **_kw(f))),
    "hapus-lampiran": lambda n, f: answer_desk.remove_file(n, f),
    "pesan-pelapor": lambda n, f: answer_desk.send_message(n, f),
    "setujui": lambda n, f: followup.approve(db(), user(), n, f.get("answer"), **_kw(f)),
    "kembalikan-draf": lambda n, f: followup.return_draft(db(), user(), n, f.get("note", ""),
                                                          **_kw(f)),
    "tanya-mitra": lambda n, f: _ask_partner(n, f),
    "cabut-mitra": lambda n, f: partners.revoke(db(), user(), n,
                                                forms.optional_int(f, "request_id")),
    "pakai-mitra": lambda n, f: _adopt_partner(n, f),
    "kembalikan": lambda n, f: followup.return_to_callcentre(db(), user(), n,
                                                             f.get("note", ""), **_kw(f)),
    "ringkasan": lambda n, f: publishing.save_public_text(db(), user(), n, forms.public_text(f),
                                                          **_kw(f)),
    "publikasikan": lambda n, f: publishing.publish(db(), user(), n, forms.public_text(f),
                                                    **_kw(f)),
    "cabut-publikasi": lambda n, f: publishing.unpublish(db(), user(), n, **_kw(f)),
    "unduh-ulang": lambda n, f: retry_download(
        db(), user(), n, forms.optional_int(f, "recording_id") or 0, **_kw(f)),
    "samaran": lambda n, f: workflow.correct_mask(
        db(), user(), n, workflow.MaskCorrection(tuple(f.getlist("masked")),
                                                 f.get("added", "")), **_kw(f)),
    "teks-samaran": lambda n, f: workflow.write_outward_text(
        db(), user(), n, "" if forms.checkbox(f, "reset") else f.get("outward_text", ""),
        **_kw(f)),
    "izin-rekaman": lambda n, f: workflow.open_recording(
        db(), user(), n, forms.checkbox(f, "allowed"), **_kw(f)),
    "balas-manual": lambda n, f: sources.mark_manual_reply(
        db(), user(), viewable_ticket(db(), user(), n)),
    "lapor": lambda n, f: save_lapor_fields(
        db(), user(), n, LaporFields(f.get("classification", ""), f.get("title", ""),
                                     f.get("lapor_tracking_id", "")), **_kw(f)),
}

DONE = {
    "simpan": "Perubahan disimpan.", "teruskan": "Tiket diverifikasi dan diteruskan ke pokja.",
    "tunda": "Tiket ditunda.", "lanjutkan": "Tiket kembali menunggu verifikasi.",
    "tolak": "Tiket ditolak.", "duplikat": "Tiket ditandai sebagai duplikat.",
    "catatan": "Catatan ditambahkan.", "proses": "Tiket ditandai sedang ditindaklanjuti.",
    "draf": "Draf jawaban disimpan.", "jawab": "Jawaban dikirim.",
    "hapus-lampiran": "Lampiran jawaban dihapus.",
    "pesan-pelapor": "Pesan untuk pelapor dicatat dan dikirim.",
    "kembalikan": "Tiket dikembalikan ke call center.",
    "setujui": "Jawaban disetujui dan dikirim kepada pelapor.",
    "kembalikan-draf": "Draf jawaban dikembalikan ke pokja.",
    "tanya-mitra": "Pertanyaan dikirim kepada lembaga mitra.",
    "cabut-mitra": "Tautan lembaga mitra dicabut.",
    "pakai-mitra": "Tanggapan lembaga mitra dimasukkan ke draf jawaban; periksa lalu kirim.",
    "ringkasan": "Ringkasan publik disimpan.",
    "publikasikan": "Ringkasan dan jawaban dipublikasikan.",
    "cabut-publikasi": "Publikasi dicabut.",
    "unduh-ulang": "Rekaman dijadwalkan untuk diunduh ulang.",
    "lapor": "Data LAPOR! disimpan.",
    "samaran": "Penyamaran disimpan.",
    "teks-samaran": "Teks untuk pokja disimpan.",
    "izin-rekaman": "Izin rekaman untuk pokja disimpan.",
    "balas-manual": "Balasan manual ditandai selesai.",
}


def _ask_partner(number: str, f: Any) -> None:
    shares = partners.Shares(description=forms.checkbox(f, "share_description"),
                             location=forms.checkbox(f, "share_location"),
                             reporter=forms.checkbox(f, "share_reporter"),
                             recording=forms.checkbox(f, "share_recording"))
    _, token = partners.ask_partner(
        db(), user(), number, forms.optional_int(f, "partner_id"), f.get("question", ""),
        shares, link_for=_partner_link, tz=_tz(),
        link_days=forms.optional_int(f, "link_days", "Isi jumlah hari."),
        answer_days=forms.optional_int(f, "answer_days", "Isi jumlah hari."))
    # Shown once to the pokja too, for a partner reached by telephone or letter.
    flash(f"Tautan untuk lembaga mitra (berlaku khusus tiket ini): {_partner_link(token)}",
          "link")


def _partner_link(token: str) -> str:
    return url_for("partners.answer_page", token=token, _external=True)


def _adopt_partner(number: str, f: Any) -> None:
    ticket, req = partners.adopt(db(), user(), number, forms.optional_int(f, "request_id"))
    current = (ticket.answer or "").strip()
    text = f"{current}\n\n{req.answer}" if current and req.answer not in current else (
        current or req.answer or "")
    followup.save_answer_draft(db(), user(), number, text, **_kw(f))


@bp.get("/tiket/<number>/mitra/<int:request_id>/berkas")
def partner_file(number: str, request_id: int) -> Response:
    """The file a partner attached, for the ticket's pokja and the call centre."""
    ticket = viewable_ticket(db(), user(), number)
    req = next((r for r in partners.requests_for(db(), user(), ticket) if r.id == request_id),
               None)
    path = partners.answer_file(cfg().recordings_dir, req) if req else None
    if req is None or path is None:
        abort(404)
    response = send_file(path, mimetype=req.file_type or "application/octet-stream",
                         as_attachment=True, download_name=req.file_name or path.name,
                         max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.app_context_processor
def _lapor_labels() -> dict[str, Any]:
    return {"CLASSIFICATION_LABELS": CLASSIFICATION_LABELS}


KEPT = "isian Anda masih ada di formulir di bawah: periksa, lalu simpan lagi."


def _refused(exc: DomainError, number: str, action: str) -> Response | tuple[str, int]:
    """The page again after a refused action (the boundary rolled the action back): a
    wrong field beside its input with what was typed, a stale form as a conflict, a
    decision the ticket's status no longer allows as a notice."""
    if isinstance(exc, IllegalTransition):
        flash(exc.message, "error")
        return redirect(url_for("agents.ticket", number=number))
    ticket = viewable_ticket(db(), user(), number)
    if isinstance(exc, InvalidInput):
        return _page(ticket, {exc.field: exc.message}, request.form)
    # A conflict keeps what was typed on screen, beside what is stored now.
    message = exc.message.removesuffix(concurrency.RELOAD) + KEPT if exc.message.endswith(
        concurrency.RELOAD) else exc.message
    return _page(ticket, form=request.form, conflict=message)


@bp.post("/tiket/<number>/<action>")
@shows_refusal(_refused)
def act(number: str, action: str) -> Response:
    run = ACTIONS.get(action)
    if run is None:
        abort(404)
    run(number, request.form)
    flash(DONE[action], "ok")
    if request.form.get("berikutnya") and user().role in DESK_ROLES:
        # "Simpan & berikutnya": on to the queue's next ticket, not back to the queue.
        return redirect(desk_views.next_ticket_url(number))
    if action == "kembalikan":
        return redirect(url_for("agents.inbox"))
    if action in ("setujui", "kembalikan-draf"):
        return redirect(url_for("agents.approvals"))
    return redirect(url_for("agents.ticket", number=number))
