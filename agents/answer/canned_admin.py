"""The admin's list of canned replies (balasan cepat): create, edit, delete (asked
first by :func:`agents.web.confirm_first`, like every destructive action). The rules and
the placeholder check are :mod:`answering.canned`."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from agents import forms
from agents.web import bp, confirm_first, db, roles, shows_refusal, user
from answering import canned
from tickets import reference
from tickets.errors import InvalidInput
from tickets.models import Role


def _form(f: Any) -> canned.ReplyForm:
    return canned.ReplyForm(
        title=f.get("title", ""), body=f.get("body", ""),
        pokja_id=forms.optional_int(f, "pokja_id", "Pokja tidak dikenal."),
        category_id=forms.optional_int(f, "category_id", "Kategori tidak dikenal."),
        active=forms.checkbox(f, "active"))


def _page(errors: dict[str, str] | None = None) -> tuple[str, int]:
    errors = errors or {}
    return render_template(
        "agents/admin_canned.html", replies=canned.list_replies(db(), user()),
        pokjas=reference.list_pokja(db(), user()),
        categories=reference.list_categories(db(), user()),
        placeholders=canned.PLACEHOLDERS, errors=errors, form=request.form,
        target=request.form.get("reply_id"),
    ), 422 if errors else 200


@bp.route("/admin/balasan-cepat", methods=["GET", "POST"])
@roles(Role.ADMIN)
@shows_refusal(lambda exc: _page({exc.field: exc.message}), InvalidInput)
def admin_canned() -> Response | tuple[str, int] | str:
    if request.method == "GET":
        return _page()
    f = request.form
    action = f.get("action")
    reply_id = forms.optional_int(f, "reply_id")
    if action == "hapus":
        reply = canned.get_reply(db(), user(), reply_id)
        if page := confirm_first(
                f"Hapus balasan cepat \"{reply.title}\"? Balasan ini tidak lagi dapat "
                "disisipkan di halaman tiket; teks yang sudah terkirim tidak berubah.",
                "Ya, hapus", url_for("agents.admin_canned")):
            return page
        title = canned.delete(db(), user(), reply_id)
        flash(f"Balasan cepat \"{title}\" dihapus.", "ok")
    elif reply_id is None:
        canned.create(db(), user(), _form(f))
        flash("Balasan cepat ditambahkan.", "ok")
    else:
        canned.update(db(), user(), reply_id, _form(f))
        flash("Balasan cepat disimpan.", "ok")
    return redirect(url_for("agents.admin_canned"))
