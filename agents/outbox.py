"""The outbox page: messages that did not go out, and sending them again."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from agents import outbox_rows
from agents.auth import safe_next
from agents.web import bp, db, roles, shows_refusal, user
from notify import outbox, services
from notify.models import OutboxStatus
from notify.names import CHANNEL_LABELS, STATUS_LABELS
from tickets.errors import IllegalTransition, InvalidInput
from tickets.models import Role


@bp.get("/pesan")
@roles(*services.OUTBOX_ROLES)
def outbox_page() -> tuple[str, int]:
    errors: dict[str, str] = {}
    args = request.args
    try:
        f = outbox_rows.MessageFilters.parse(args.get("status"), args.get("channel"))
        page = outbox_rows.list_messages(db(), user(), f, after=args.get("after"))
    except InvalidInput as exc:
        errors[exc.field] = exc.message
        page = outbox_rows.list_messages(db(), user(), outbox_rows.MessageFilters())
    kept = {k: v for k, v in args.items() if k in ("status", "channel") and v}
    return render_template(
        "agents/outbox.html", page=page, errors=errors, args=kept,
        held=services.held_reasons(db(), user()), statuses=list(OutboxStatus),
        status_labels=STATUS_LABELS, channels=outbox.CHANNELS,
        channel_labels=CHANNEL_LABELS, can_open_tickets=user().role is not Role.ADMIN,
    ), 422 if errors else 200


def _back() -> str:
    return safe_next(request.form.get("next")) or url_for("agents.outbox_page")


def _retry_refused(exc: IllegalTransition, outbox_id: int) -> Response:
    flash(exc.message, "error")
    return redirect(_back())


@bp.post("/pesan/<int:outbox_id>/kirim-ulang")
@shows_refusal(_retry_refused, IllegalTransition)
def retry_message(outbox_id: int) -> Response:
    services.retry(db(), user(), outbox_id)
    flash(f"Pesan {outbox_id} dijadwalkan untuk dikirim ulang.", "ok")
    return redirect(_back())
