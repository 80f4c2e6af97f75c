"""Two workers run the ladder at the same moment: each rung is written, announced and
audited once (the conditional insert keyed on ticket and level)."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from escalation import services
from escalation.models import Escalation
from notify.models import OutboxMessage
from tickets.clock import utcnow
from tickets.models import TicketEvent

POLICY = services.Policy("Asia/Makassar", None, "Pemerintah Kabupaten Uji")


def test_two_workers_at_once_escalate_each_ticket_once(app, db, late_ticket, database_url):
    tickets = [late_ticket(9) for _ in range(5)]
    runtime = app.extensions["hotline"]
    now = utcnow() + timedelta(minutes=1)
    start = threading.Barrier(2)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with runtime.transaction() as session:
                session.execute(select(1))  # each holds its own connection first
                start.wait(10)
                results.append(services.run(session, POLICY, now))
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    if database_url.startswith("sqlite"):
        # SQLite lets one writer in at a time: the other may wait out its busy timeout
        # and fail as a whole, which is also once; PostgreSQL is the real race.
        assert len(results) + len(errors) == 2 and results
    else:
        assert errors == [] and len(results) == 2
    assert sum(r["kepala"] for r in results) == len(tickets)
    assert sum(r["pimpinan"] for r in results) == len(tickets)
    db.expire_all()
    count = lambda model, *w: db.scalar(select(func.count()).select_from(model).where(*w))  # noqa: E731
    assert count(Escalation) == 2 * len(tickets)
    assert count(TicketEvent, TicketEvent.kind == "eskalasi") == 2 * len(tickets)
    assert count(OutboxMessage, OutboxMessage.event == "escalation") == len(tickets)
