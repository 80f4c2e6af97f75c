"""Routes of the desk: who handles a ticket, saved views ("tampilan"), bulk actions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from agents import forms
from agents.queue import VIEW_KEYS
from agents.web import bp, cfg, confirm_first, db, roles, shows_refusal, user
from desk import bulk
from desk import services as assignment
from tickets.errors import DomainError, InvalidInput
from tickets.models import Pokja, Role, Ticket
from tickets.permissions import DESK_ROLES

TEAM_ROLES = (*DESK_ROLES, Role.POKJA, Role.HEAD)


# --- the ticket page's box -----------------------------------------------------------------

@bp.app_template_global()
def assignment_box(ticket: Ticket) -> dict[str, Any] | None:
    """What the ticket page's "Penanganan" box shows ``user()``: None when the ticket is
    not their team's work now (another team's, or no longer handled)."""
    agent = user()
    team = assignment.holding_team(ticket)
    if team is None or assignment.team_of(agent) != team:
        return None
    holder = assignment.holder(db(), ticket)
    manager = (agent.role is Role.SUPERVISOR if team == assignment.CALL_CENTRE
               else agent.role in (Role.POKJA, Role.HEAD))
    return {"holder": holder, "mine": holder is not None and holder.id == agent.id,
            "can_take": holder is None or (manager and holder.id != agent.id),
            "can_release": holder is not None and (holder.id == agent.id or manager),
            "people": assignment.candidates(db(), team) if manager else []}


def _assign_refused(exc: DomainError, number: str) -> Response:
    flash(exc.message, "error")
    return redirect(url_for("agents.ticket", number=number) + "#penanganan")


@bp.post("/tiket/<number>/penanganan")
@roles(*TEAM_ROLES)
@shows_refusal(_assign_refused)
def assign_ticket(number: str) -> Response:
    """Ambil, Lepas or Tugaskan. ``holder`` is who the page showed holding the ticket
    (0: no one), so a change someone made since is refused, not overwritten."""
    f = request.form
    action = f.get("action", "")
    if action == "ambil":
        target: int | None = user().id
    elif action == "lepas":
        target = None
    elif action == "tugaskan":
        target = forms.optional_int(f, "assignee_id", "Pengguna tidak dikenal.")
        if target is None:
            raise InvalidInput("assignee_id", "Pilih petugas yang akan menangani tiket ini.")
    else:
        raise InvalidInput("action", "Tindakan tidak dikenal.")
    shown = forms.optional_int(f, "holder", "Formulir ini tidak dapat diproses.")
    ticket = assignment.assign(db(), user(), number, target,
                               expected=shown or None if shown is not None else "")
    who = assignment.holder(db(), ticket)
    flash(f"Tiket {ticket.number} sekarang ditangani {who.full_name}." if who
          else f"Tiket {ticket.number} dilepas; belum ditangani siapa pun.", "ok")
    return redirect(url_for("agents.ticket", number=number) + "#penanganan")


# --- saved views -----------------------------------------------------------------------------

def _back_to_queue(params: list[tuple[str, str]] | None = None) -> Response:
    return redirect(url_for("agents.queue") + ("?" + urlencode(params) if params else ""))


def _view_refused(exc: DomainError) -> Response:
    flash(exc.message, "error")
    return _back_to_queue([(k, v) for k, v in request.form.items(multi=True)
                           if k in VIEW_KEYS and v])


@bp.post("/antrean/tampilan")
@roles(*DESK_ROLES)
@shows_refusal(_view_refused, InvalidInput)
def save_view() -> Response:
    f = request.form
    params = [(k, v) for k, v in f.items(multi=True) if k in VIEW_KEYS]
    view = assignment.save_view(db(), user(), f.get("view_name", ""), params, VIEW_KEYS)
    flash(f"Tampilan '{view.name}' disimpan.", "ok")
    return _back_to_queue(assignment.view_params(view))


@bp.post("/antrean/tampilan/<int:view_id>/hapus")
@roles(*DESK_ROLES)
def delete_view(view_id: int) -> Response | str:
    if page := confirm_first("Hapus tampilan ini dari daftar tampilan Anda?", "Ya, hapus",
                             url_for("agents.queue")):
        return page
    name = assignment.delete_view(db(), user(), view_id)
    flash(f"Tampilan '{name}' dihapus.", "ok")
    return _back_to_queue()


# --- bulk actions -----------------------------------------------------------------------------

def _selected(values: list[str]) -> list[bulk.Selected]:
    """The ticked rows: ``<number>:<version>`` as the queue rendered them."""
    out = []
    for raw in values:
        number, _, version = raw.partition(":")
        if not number.strip().isdigit() or (version and not version.isdigit()):
            raise InvalidInput("tickets", "Pilihan tiket tidak valid; muat ulang antrean.")
        out.append(bulk.Selected(number.strip(), int(version) if version else None))
    return out


def _bulk_page(errors: dict[str, str] | None = None, **context: Any) -> tuple[str, int]:
    f = request.form
    return render_template(
        "agents/queue_bulk.html", errors=errors or {}, form=f,
        selected=f.getlist("tiket"), action_labels=bulk.ACTION_LABELS,
        people=assignment.candidates(db(), assignment.CALL_CENTRE),
        pokjas={p.id: p for p in db().scalars(select(Pokja).where(Pokja.active.is_(True))
                                              .order_by(Pokja.name))},
        back=f.get("back") or url_for("agents.queue"), **context), 422 if errors else 200


@bp.post("/antrean/massal")
@roles(*DESK_ROLES)
@shows_refusal(lambda exc: _bulk_page({exc.field: exc.message}), InvalidInput)
def queue_bulk() -> tuple[str, int]:
    """Bulk actions in two steps: the first post shows what will happen to which tickets
    and asks once; "Ya, lakukan" (``yakin``) runs it and reports each ticket."""
    f = request.form
    action = bulk.parse_action(f.get("bulk_action"))
    selected = _selected(f.getlist("tiket"))
    assignee_id = forms.optional_int(f, "assignee_id", "Pengguna tidak dikenal.")
    pokja_id = forms.optional_int(f, "pokja_id", "Pokja tidak dikenal.")
    original = f.get("original", "").strip()
    if f.get("yakin") != "1":
        bulk.check(action, selected, assignee_id=assignee_id, pokja_id=pokja_id,
                   original=original)
        return _bulk_page(action=action, assignee=assignee_id and next(
            (p for p in assignment.candidates(db(), assignment.CALL_CENTRE)
             if p.id == assignee_id), None))
    outcomes = bulk.run(db(), user(), selected, action, tz=cfg().timezone,
                        assignee_id=assignee_id, pokja_id=pokja_id, original=original)
    return _bulk_page(action=action, outcomes=outcomes)
