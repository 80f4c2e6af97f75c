"""The admin's page of API keys for Open311 clients: make (the key shown once), label,
revoke, and when each was last used."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from accounts import apikeys
from agents import forms
from agents.web import bp, confirm_first, db, roles, shows_refusal, user
from tickets.errors import InvalidInput
from tickets.models import Role


def _keys_page(errors: dict[str, str] | None = None, new_key: str | None = None) -> Response:
    response = make_response(render_template(
        "agents/admin_api_keys.html", keys=apikeys.list_keys(db()), errors=errors or {},
        form=request.form, new_key=new_key), 422 if errors else 200)
    # The page may show a new key once: no cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/admin/kunci-api", methods=["GET", "POST"])
@roles(Role.ADMIN)
@shows_refusal(lambda exc: _keys_page({exc.field: exc.message}), InvalidInput)
def admin_api_keys() -> Response | str:
    if request.method == "GET":
        return _keys_page()
    f = request.form
    if f.get("action") == "cabut":
        key_id = forms.optional_int(f, "key_id") or 0
        label = next((k.label for k in apikeys.list_keys(db()) if k.id == key_id), "ini")
        if page := confirm_first(
                f"Cabut kunci API '{label}'? Aplikasi yang memakainya tidak dapat mengirim "
                "pengaduan lagi; kunci yang dicabut tidak dapat dipulihkan.",
                "Ya, cabut kunci", url_for("agents.admin_api_keys")):
            return page
        row = apikeys.revoke_key(db(), forms.optional_int(f, "key_id") or 0, user())
        flash(f"Kunci '{row.label}' dicabut.", "ok")
        return redirect(url_for("agents.admin_api_keys"))
    _row, new_key = apikeys.create_key(db(), f.get("label", ""), user())
    return _keys_page(new_key=new_key)
