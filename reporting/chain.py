"""The regency's chain on the dashboard and in the monthly report (issue 20): escalations,
answers awaiting the agency head's approval, and questions to partner institutions.

Every count is taken under the dashboard's scope and filters (range, channel, category,
pokja, kecamatan; a pokja user: its own), joined to the ticket it is about. Flows are
counted when they happened in the range (an escalation written, a draft submitted or
decided, a question sent or answered); the "now" figures (drafts waiting, partner
questions overdue) are the open ones as they stand, the range not applying, as the
dashboard's overdue figures.

The pokja a flow belongs to is the row's own (the agency escalated, whose head decides,
that asked the partner), which a ticket returned to the call centre and forwarded
elsewhere may no longer carry; the other filters are the ticket's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from escalation.models import HEAD, LEADERSHIP, LEVELS, Escalation
from partners.models import PartnerRequest
from partners.services import late_conditions
from reporting.dashboard import Scope, effective_scope, filters_for
from tickets.clock import utcnow
from tickets.lifecycle import Principal
from tickets.models import AnswerDraft, DraftState, Ticket
from tickets.queue import _local_midnight_utc


@dataclass(frozen=True)
class ChainCounts:
    # Escalations written in the range, by level (escalation.models: kepala, pimpinan).
    escalations: dict[str, int]
    # Drafts awaiting the head's approval now; submitted, approved, returned in the range.
    drafts_waiting: int
    drafts_submitted: int
    drafts_approved: int
    drafts_returned: int
    # Partner questions sent and answered in the range; overdue now (still open).
    partner_sent: int
    partner_answered: int
    partner_overdue: int

    def rows(self) -> list[tuple[str, str, int]]:
        """(key, Indonesian label, count), in the order the pages and the XLSX show them;
        the key names the figure in the pages' element ids."""
        return [
            ("esc-head", "Eskalasi ke kepala SKPD", self.escalations.get(HEAD, 0)),
            ("esc-leadership", "Eskalasi ke pimpinan daerah",
             self.escalations.get(LEADERSHIP, 0)),
            ("drafts-waiting", "Jawaban menunggu persetujuan pimpinan OPD kini",
             self.drafts_waiting),
            ("drafts-submitted", "Jawaban diajukan untuk persetujuan", self.drafts_submitted),
            ("drafts-approved", "Jawaban disetujui pimpinan OPD", self.drafts_approved),
            ("drafts-returned", "Jawaban dikembalikan pimpinan OPD", self.drafts_returned),
            ("partner-sent", "Pertanyaan ke lembaga mitra dikirim", self.partner_sent),
            ("partner-answered", "Pertanyaan ke lembaga mitra dijawab", self.partner_answered),
            ("partner-overdue", "Pertanyaan ke lembaga mitra lewat batas kini",
             self.partner_overdue),
        ]


def _within(column: Any, scope: Scope, tz: str) -> ColumnElement[bool]:
    """``column`` (naive UTC) on the range's local days."""
    return and_(column >= _local_midnight_utc(scope.date_from, tz),
                column < _local_midnight_utc(scope.date_to + timedelta(days=1), tz))


def _count(session: Session, model: Any, pokja: Any, ticket_conds: list[ColumnElement[bool]],
           scope: Scope, *conds: ColumnElement[bool]) -> int:
    own = [pokja == scope.pokja_id] if scope.pokja_id is not None else []
    return int(session.scalar(
        select(func.count()).select_from(model).join(Ticket, Ticket.id == model.ticket_id)
        .where(*conds, *own, *ticket_conds)) or 0)


def escalations(session: Session, user: Principal, scope: Scope, *, tz: str
                ) -> dict[str, int]:
    """Escalations written in the range, by level, under the dashboard's filters."""
    scope = effective_scope(user, scope)
    ticket_conds = filters_for(user, replace(scope, pokja_id=None))
    own = [Escalation.pokja_id == scope.pokja_id] if scope.pokja_id is not None else []
    found = dict(session.execute(
        select(Escalation.level, func.count()).join(Ticket, Ticket.id == Escalation.ticket_id)
        .where(_within(Escalation.created_at, scope, tz), *own, *ticket_conds)
        .group_by(Escalation.level)).all())
    return {level: int(found.get(level, 0)) for level in LEVELS}


def chain_counts(session: Session, user: Principal, scope: Scope, *, tz: str,
                 now: datetime | None = None) -> ChainCounts:
    """The chain's figures for ``scope`` as ``user`` may see them."""
    now = now or utcnow()
    scope = effective_scope(user, scope)
    ticket_conds = filters_for(user, replace(scope, pokja_id=None))

    def drafts(*conds: ColumnElement[bool]) -> int:
        return _count(session, AnswerDraft, AnswerDraft.pokja_id, ticket_conds, scope, *conds)

    def questions(*conds: ColumnElement[bool]) -> int:
        return _count(session, PartnerRequest, PartnerRequest.pokja_id, ticket_conds, scope,
                      *conds)

    decided = _within(AnswerDraft.decided_at, scope, tz)
    return ChainCounts(
        escalations=escalations(session, user, scope, tz=tz),
        drafts_waiting=drafts(AnswerDraft.state == DraftState.PENDING),
        drafts_submitted=drafts(_within(AnswerDraft.submitted_at, scope, tz)),
        drafts_approved=drafts(decided, AnswerDraft.state == DraftState.APPROVED),
        drafts_returned=drafts(decided, AnswerDraft.state == DraftState.RETURNED),
        partner_sent=questions(_within(PartnerRequest.created_at, scope, tz)),
        partner_answered=questions(_within(PartnerRequest.answered_at, scope, tz)),
        partner_overdue=questions(*late_conditions(now)),
    )
