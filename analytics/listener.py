"""What happens when words of a complaint arrive (:class:`tickets.events.ComplaintText`):
the place is looked up, the early-warning model judges the text (the keyword groups
override it: "selalu alarm" groups alert as before, "tidak pernah alarm" ones silence it)
and alerts, and the possible duplicates and repeat callers are recorded, all in the
transaction that brought the text.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from analytics import duplicates, event_alerts, places, warning
from analytics.models import TicketPlace
from tickets.events import ComplaintText
from tickets.models import Ticket

# "Ketua RT … (RT 003/RW 002, Desa …)" when a ticket came from a trusted community
# reporter, else None (reporters.services.trusted_label, passed in by the root).
TrustedLabel = Callable[[Session, Ticket], str | None]


class Listener:
    """Subscribed by the composition root; ``agency`` reads the (console-editable)
    agency name for the alerts' subject."""

    def __init__(self, console_url: str | None, agency: Callable[[Session], str],
                 trusted: TrustedLabel | None = None) -> None:
        self.console_url = console_url
        self.agency = agency
        self.trusted = trusted

    def __call__(self, session: Session, event: ComplaintText) -> None:
        ticket = event.ticket
        if ticket.id is None:
            session.flush()  # a new ticket: its id, for the rows below
        text = event.text or ""
        # A changed description arrives before the form's optimistic-lock flush, which
        # must be the one to meet a concurrent save: nothing is flushed early here.
        with session.no_autoflush:
            place: TicketPlace | None = session.get(TicketPlace, ticket.id)
            if text.strip():
                place = places.fill_location(session, ticket, text)
                groups = warning.active_groups(session)
                found = warning.match_groups(groups, text)
                model = event_alerts.current_model(session)
                decision = event_alerts.decide(model.assess(text), found)
                always = [m for m in found if m.group.mode == "selalu"]
                if always or decision.alarm:
                    where = places.label(place.kecamatan, place.desa) if place else None
                    policy = warning.AlertPolicy(self.console_url, self.agency(session))
                    trusted = self.trusted(session, ticket) if self.trusted else None
                    if always and decision.silenced_by is None:
                        # The admin's "always alarm" groups alert as they always did.
                        warning.alert(session, ticket, always, event.source, policy,
                                      where or ticket.location, trusted=trusted)
                    elif decision.alarm:
                        event_alerts.raise_alarm(
                            session, ticket, decision, text=text, source=event.source,
                            policy=policy, location=where or ticket.location,
                            kecamatan_id=place.kecamatan.id if place and place.kecamatan
                            else None,
                            trusted=trusted, model_version=model.version)
            duplicates.refresh(session, ticket, text, place)
        if event.source != "uraian":
            session.flush()
