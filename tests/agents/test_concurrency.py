"""Two people on one ticket: a stale form and two saves at once, with real parallel requests."""

from __future__ import annotations

import html
import re
import threading

import requests
from sqlalchemy import select

from hotline.demo import DEMO_PASSWORD
from tickets.models import Status, Ticket, TicketEvent

from .conftest import reload

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


class Browser:
    """A signed-in console user talking HTTP to the live server."""

    def __init__(self, base: str, username: str) -> None:
        self.base, self.http = base, requests.Session()
        page = self.http.get(f"{base}/console/masuk").text
        self.http.post(f"{base}/console/masuk", data={
            "username": username, "password": DEMO_PASSWORD,
            "csrf_token": TOKEN.search(page).group(1)})  # type: ignore[union-attr]

    def open(self, number: str) -> dict[str, str]:
        page = self.http.get(f"{self.base}/console/tiket/{number}").text
        return {"csrf_token": TOKEN.search(page).group(1),  # type: ignore[union-attr]
                "version": VERSION.search(page).group(1)}  # type: ignore[union-attr]

    def post(self, number: str, action: str, form: dict[str, str]) -> requests.Response:
        return self.http.post(f"{self.base}/console/tiket/{number}/{action}", data=form,
                              allow_redirects=False)


SAVE = {"description": "Jalan rusak di depan sekolah.", "priority": "2"}


def test_a_stale_simpan_cannot_move_a_forwarded_ticket(live_server, make_ticket, db):
    ticket = make_ticket(Status.AWAITING_VERIFICATION)
    rina, budi = Browser(live_server, "operator"), Browser(live_server, "supervisor")
    stale = budi.open(ticket.number)          # Budi opened the page first ...
    pupr = db.scalar(select(Ticket.pokja_id).where(Ticket.id == ticket.id))
    fresh = rina.open(ticket.number)          # ... Rina forwards it to PUPR meanwhile
    forwarded = rina.post(ticket.number, "teruskan",
                          {**fresh, **SAVE, "pokja_id": str(pupr or 1)})
    assert forwarded.status_code == 302

    other_pokja = str((pupr or 1) % 5 + 1)
    response = budi.post(ticket.number, "simpan", {**stale, **SAVE, "pokja_id": other_pokja})
    assert response.status_code == 409
    text = html.unescape(response.text)
    assert "Tiket ini telah diubah oleh Operator Call Center pukul" in text
    assert "Perubahan Anda tidak disimpan" in text
    after = reload(db, ticket)
    assert after.status is Status.FORWARDED and str(after.pokja_id) != other_pokja


def test_two_saves_of_one_ticket_at_once_keep_one_and_refuse_the_other(
        live_server, make_ticket, db):
    ticket = make_ticket(Status.AWAITING_VERIFICATION)
    people = [Browser(live_server, "operator"), Browser(live_server, "supervisor")]
    forms = [p.open(ticket.number) for p in people]
    assert forms[0]["version"] == forms[1]["version"]
    start, results = threading.Barrier(2), [None, None]

    def save(i: int) -> None:
        start.wait()
        results[i] = people[i].post(ticket.number, "simpan", {  # type: ignore[call-overload]
            **forms[i], **SAVE, "description": f"Versi {i}."})

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    codes = sorted(r.status_code for r in results)  # type: ignore[union-attr]
    assert codes == [302, 409], codes  # one saved, one told; never a 500
    kept = reload(db, ticket).description
    winner = 0 if results[0].status_code == 302 else 1  # type: ignore[union-attr]
    assert kept == f"Versi {winner}."
    edits = db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                 TicketEvent.kind == "edit")).all()
    assert len(edits) == 1
