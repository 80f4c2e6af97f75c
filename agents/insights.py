"""The console's side of analytics/: the admin's keyword groups and places, the ticket
page's flags, duplicates and location, the queue's badges and filters."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from accounts.models import User
from agents import forms
from agents.web import bp, cfg, confirm_first, db, roles, shows_refusal, user
from analytics import event_alerts, flags, places, warning
from analytics.duplicates import REASON_LABELS
from analytics.events import KIND_LABELS, KINDS
from analytics.models import GROUP_MODES, SEVERITY_LABELS, Place, Severity
from analytics.suggestions import ticket_text
from tickets.errors import DomainError, InvalidInput
from tickets.lifecycle import AT_DESK
from tickets.models import Pokja, Role, Ticket
from tickets.permissions import DESK_ROLES, can_see_reporter
from tickets.services import ticket_by_number

Form = forms.Form


def _render(template: str, errors: dict[str, str], **context: Any) -> tuple[str, int]:
    return render_template(template, errors=errors, form=request.form, **context), (
        422 if errors else 200)


# --- admin: keyword groups ---------------------------------------------------------------

def _group_form(f: Any) -> warning.GroupForm:
    user_ids = []
    for raw in f.getlist("user_ids"):
        if not str(raw).isdigit():
            raise InvalidInput("user_ids", "Pengguna tidak dikenal.")
        user_ids.append(int(raw))
    return warning.GroupForm(
        name=f.get("name", ""), words=f.get("words", ""),
        severity=f.get("severity", ""), notify_supervisors=forms.checkbox(f, "supervisors"),
        pokja_id=forms.optional_int(f, "pokja_id"), user_ids=user_ids,
        extra_contacts=f.get("extra_contacts", ""), channels=f.getlist("channels"),
        active=forms.checkbox(f, "active"), mode=f.get("mode", "fitur"),
        kinds=f.getlist("kinds"))


def _keywords_page(errors: dict[str, str] | None = None) -> tuple[str, int]:
    return _render(
        "agents/admin_keywords.html", errors or {}, groups=warning.list_groups(db(), user()),
        pokjas=list(db().scalars(select(Pokja).order_by(Pokja.name))),
        users=list(db().scalars(select(User).where(User.active.is_(True))
                                .order_by(User.full_name))),
        severities=list(Severity), severity_labels=SEVERITY_LABELS,
        channels=warning.CHANNEL_LABELS, target=request.form.get("group_id"),
        modes=GROUP_MODES, event_kinds=KIND_LABELS)


@bp.route("/admin/deteksi-dini", methods=["GET", "POST"])
@roles(Role.ADMIN)
@shows_refusal(lambda exc: _keywords_page({exc.field: exc.message}), InvalidInput)
def admin_keywords() -> Response | tuple[str, int] | str:
    if request.method == "GET":
        return _keywords_page()
    f = request.form
    group_id = forms.optional_int(f, "group_id")
    if f.get("action") == "hapus" and group_id:
        if page := confirm_first(
                f"Hapus kelompok kata kunci '{f.get('name', '')}'? Tiket baru tidak lagi "
                "diperiksa dengan kata kuncinya.", "Ya, hapus",
                url_for("agents.admin_keywords")):
            return page
        warning.delete_group(db(), user(), group_id)
        flash("Kelompok kata kunci dihapus.", "ok")
    else:
        warning.save_group(db(), user(), group_id, _group_form(f))
        flash("Kelompok kata kunci disimpan.", "ok")
    return redirect(url_for("agents.admin_keywords"))


# --- admin: places -----------------------------------------------------------------------

def _places_page(errors: dict[str, str] | None = None) -> tuple[str, int]:
    editing = None
    if (raw := request.args.get("ubah", "")).isdigit():
        editing = db().get(Place, int(raw))
    return _render("agents/admin_places.html", errors or {}, tree=places.places_tree(db()),
                   kecamatan=places.kecamatan_list(db()), editing=editing,
                   header=",".join(places.CSV_HEADER))


@bp.route("/admin/wilayah", methods=["GET", "POST"])
@roles(Role.ADMIN)
@shows_refusal(lambda exc: _places_page({exc.field: exc.message}), InvalidInput)
def admin_places() -> Response | tuple[str, int] | str:
    if request.method == "GET":
        return _places_page()
    f = request.form
    if f.get("action") == "impor":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise InvalidInput("file", "Pilih berkas CSV.")
        result = places.import_csv(db(), user(), upload.read(places.MAX_CSV_BYTES + 1))
        flash(f"Impor selesai: {result.added} ditambahkan, {result.updated} "
              "diperbarui.", "ok")
    else:
        place_id = forms.optional_int(f, "place_id")
        current = db().get(Place, place_id) if place_id else None
        if current is not None and current.active and not forms.checkbox(f, "active") and (
                page := confirm_first(
                    f"Nonaktifkan wilayah {current.name}? Wilayah ini tidak lagi dikenali di "
                    "teks pengaduan dan tidak dapat dipilih; tiket lama tetap menyebutnya.",
                    "Ya, nonaktifkan", url_for("agents.admin_places"))):
            return page
        places.save_place(db(), user(), place_id,
                          name=f.get("name", ""),
                          parent_id=forms.optional_int(f, "parent_id"),
                          aliases=f.get("aliases", ""),
                          postal_code=f.get("postal_code", ""),
                          active=forms.checkbox(f, "active"))
        flash("Wilayah disimpan.", "ok")
    return redirect(url_for("agents.admin_places"))


# --- the ticket page ---------------------------------------------------------------------

def ticket_context(agent: User, ticket: Ticket, words: list[dict[str, Any]]) -> dict[str, Any]:
    """What the ticket page shows of the analysis; the transcript's matched words marked."""
    f = flags.for_ticket(db(), ticket)
    desk = agent.role in DESK_ROLES
    return {
        "analysis": f, "severity_labels": SEVERITY_LABELS, "reason_labels": REASON_LABELS,
        "duplicates": f.duplicates if desk and ticket.status in AT_DESK else [],
        "place_choices": places.places_tree(db()) if desk and ticket.status in AT_DESK else [],
        "words": flags.highlighted(words, f.alerts, f.event)
        if can_see_reporter(agent, ticket) else words,
        "desk_verdict": desk, "verdict_labels": event_alerts.VERDICTS,
        "event_kinds": {k: KIND_LABELS[k] for k in KINDS},
    }



def _location_refused(exc: DomainError, number: str) -> Response:
    flash(exc.message, "error")
    return redirect(url_for("agents.ticket", number=number))


@bp.post("/tiket/<number>/lokasi")
@roles(*DESK_ROLES)
@shows_refusal(_location_refused)
def set_location(number: str) -> Response:
    f = request.form
    places.set_location(db(), user(), number, forms.optional_int(f, "kecamatan_id"),
                        forms.optional_int(f, "desa_id"), version=forms.version(f),
                        tz=cfg().timezone)
    flash("Lokasi disimpan.", "ok")
    return redirect(url_for("agents.ticket", number=number))


# --- the queue ---------------------------------------------------------------------------

def queue_conditions(args: Form) -> tuple[Any, ...]:
    """The queue's flag and kecamatan filters (InvalidInput for a crafted value)."""
    return flags.conditions((args.get("tanda") or "").strip() or None,
                            forms.optional_int(args, "kecamatan_id", "Kecamatan tidak dikenal."))


def place_filter(args: Form) -> tuple[int | None, int | None]:
    """The dashboard's kecamatan and desa filters (``reporting.dashboard.Scope``)."""
    return (forms.optional_int(args, "kecamatan_id", "Kecamatan tidak dikenal."),
            forms.optional_int(args, "desa_id", "Desa/kelurahan tidak dikenal."))


def kecamatan_choices() -> list[Place]:
    return places.kecamatan_list(db())


def desa_choices() -> list[tuple[Place, list[Place]]]:
    """Each kecamatan with its desa/kelurahan (the dashboard's grouped desa list)."""
    return places.places_tree(db())


def queue_context(tickets: list[Ticket]) -> dict[str, Any]:
    return {"row_flags": flags.for_tickets(db(), [t.id for t in tickets]),
            "flag_filters": flags.FLAG_FILTERS,
            "kecamatan": places.kecamatan_list(db()), "severity_labels": SEVERITY_LABELS}


@bp.post("/tiket/<number>/deteksi-dini")
@roles(*DESK_ROLES)
@shows_refusal(_location_refused)
def event_verdict(number: str) -> Response:
    """One click: the alarm happened (benar), did not (salah), or was missed (terlewat)."""
    ticket = ticket_by_number(db(), number)
    event_alerts.record_verdict(db(), user(), ticket, request.form.get("verdict", ""),
                                request.form.get("kind") or None, ticket_text(ticket))
    flash("Penilaian peringatan dini disimpan; dipakai saat model dilatih ulang.", "ok")
    return redirect(url_for("agents.ticket", number=number) + "#analisis")
