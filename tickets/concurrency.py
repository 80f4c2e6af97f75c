"""Two people on one ticket: the stale form and the concurrent save, both refused.

``Ticket.version`` is SQLAlchemy's ``version_id_col``: every UPDATE of a ticket says
``WHERE version = <what this transaction read>`` and bumps it. A form carries the version
it was rendered with (:func:`check_version` refuses it when the ticket moved on); two
saves racing past that check meet at the UPDATE, where the second matches no row
(:func:`flush` turns that into the same refusal). Either way nothing is overwritten and
the agent is told who changed the ticket and when.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tickets.clock import to_local
from tickets.errors import StaleTicket
from tickets.models import Ticket, TicketEvent

# What the refusal tells a user who has nothing more on screen; a page that keeps the
# typed text (the console's ticket page) says so instead.
RELOAD = "muat ulang halaman lalu ulangi."


def stale(session: Session, ticket_id: int, tz: str) -> StaleTicket:
    """The refusal, naming the last change: "diubah oleh Rina pukul 10:42"."""
    last = session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
                          .order_by(TicketEvent.id.desc()).limit(1))
    who = f" oleh {last.actor_label} pukul {to_local(last.at, tz):%H:%M}" if last else ""
    return StaleTicket(f"Tiket ini telah diubah{who} setelah halaman Anda dibuka. "
                       f"Perubahan Anda tidak disimpan; {RELOAD}")


def check_version(session: Session, ticket: Ticket, expected: int | None, tz: str) -> None:
    """Refuse a form rendered from an older version of ``ticket`` (None: no form)."""
    if expected is not None and expected != ticket.version:
        raise stale(session, ticket.id, tz)


def flush(session: Session, ticket: Ticket, tz: str) -> None:
    """Write the ticket's changes now; a concurrent save that won becomes StaleTicket.

    The failed flush has already ended this transaction in the database; the boundary
    that owns ``session`` rolls it back when StaleTicket reaches it. Until then the
    session answers no query, so the change that won is read on a short session of its
    own (read only: it ends without a commit)."""
    ticket_id = ticket.id
    try:
        session.flush()
    except StaleDataError:
        with Session(session.get_bind()) as fresh:
            raise stale(fresh, ticket_id, tz) from None
