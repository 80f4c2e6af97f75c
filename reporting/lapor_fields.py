"""The SP4N-LAPOR! fields of a ticket: classification, title and LAPOR!'s tracking id.

LAPOR!'s live API is documented only to an agency's registered developer account, so
the agency files a ticket in LAPOR! itself (from the export, ``reporting.lapor``) and the
call centre types the tracking id LAPOR! gave back here, where it is searchable in the
queue. Editable in any status: the id arrives after forwarding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tickets import concurrency
from tickets.errors import InvalidInput
from tickets.lifecycle import Actor, Principal, record_event
from tickets.models import CLASSIFICATION_LABELS, Classification, Ticket
from tickets.permissions import desk_ticket
from tickets.text import clean_name

MAX_TITLE = 200
# LAPOR!'s ids are letters, digits and dashes (e.g. "LAP-2026-000123"); 64 is ample.
TRACKING_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9./_-]{0,63}")


@dataclass(frozen=True)
class LaporFields:
    classification: str
    title: str
    tracking_id: str


def parse(fields: LaporFields) -> tuple[Classification, str | None, str | None]:
    """Checked values, or ``InvalidInput`` naming the field in Indonesian."""
    try:
        classification = Classification(fields.classification.strip())
    except ValueError:
        raise InvalidInput("classification", "Klasifikasi tidak dikenal.") from None
    title = clean_name(fields.title, field="title", max_len=MAX_TITLE, label="Judul")
    tracking = fields.tracking_id.strip()
    if tracking and not TRACKING_ID.fullmatch(tracking):
        raise InvalidInput("lapor_tracking_id", "ID pelacakan LAPOR! hanya boleh berisi huruf, "
                           "angka, titik, garis miring, garis bawah dan tanda hubung "
                           "(maksimal 64 karakter).")
    return classification, title or None, tracking or None


def save_lapor_fields(session: Session, user: Principal, number: str, fields: LaporFields,
                      *, version: int | None, tz: str) -> Ticket:
    """Write the fields with one edit event naming what changed. Desk roles only."""
    ticket = desk_ticket(session, user, number, version, tz)
    classification, title, tracking = parse(fields)
    changes = []
    if ticket.classification != classification:
        ticket.classification = classification
        changes.append(f"klasifikasi: {CLASSIFICATION_LABELS[classification]}")
    if ticket.title != title:
        ticket.title = title
        changes.append(f"judul: {title or '-'}")
    if ticket.lapor_tracking_id != tracking:
        ticket.lapor_tracking_id = tracking
        changes.append(f"ID LAPOR!: {tracking or '-'}")
    if changes:
        record_event(session, ticket, Actor.of(user), "edit",
                     "Diubah: " + ", ".join(changes) + ".")
        concurrency.flush(session, ticket, tz)
    return ticket
