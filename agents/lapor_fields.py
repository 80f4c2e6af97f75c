"""The ticket page's SP4N-LAPOR! form: one more action of ``agents.ticket.act``."""

from __future__ import annotations

from typing import Any

from agents import forms
from agents.ticket import ACTIONS, DONE
from agents.web import bp, cfg, db, user
from tickets.lapor import LaporFields, save_lapor_fields
from tickets.names import CLASSIFICATION_LABELS


def _save(number: str, f: Any) -> Any:
    return save_lapor_fields(
        db(), user(), number,
        LaporFields(f.get("classification", ""), f.get("title", ""),
                    f.get("lapor_tracking_id", "")),
        version=forms.version(f), tz=cfg().timezone)


ACTIONS["lapor"] = _save
DONE["lapor"] = "Data LAPOR! disimpan."


@bp.app_context_processor
def _lapor_labels() -> dict[str, Any]:
    return {"CLASSIFICATION_LABELS": CLASSIFICATION_LABELS}
