"""Open311 ``address`` and the answers' address: the ticket's own address, else the place
the gazetteer knows (desa/kecamatan, never the free-text location); never for an anonim
or a rahasia ticket."""

from __future__ import annotations

from sqlalchemy import select

from analytics.demo import seed_places
from analytics.models import Place, PlaceKind, TicketPlace
from analytics.places import OPERATOR, labels
from tickets.models import Status, Ticket

PLACE = "Desa/Kel. Lapeo, Kecamatan Campalagian"


def _place(db, ticket: Ticket, desa_name: str = "Lapeo") -> None:  # type: ignore[no-untyped-def]
    seed_places(db)
    desa = db.scalars(select(Place).where(Place.kind == PlaceKind.DESA,
                                          Place.name == desa_name)).one()
    db.add(TicketPlace(ticket_id=ticket.id, kecamatan=desa.parent, desa=desa,
                       source=OPERATOR))
    db.commit()


def _address(client, number: str):  # type: ignore[no-untyped-def]
    response = client.get(f"/open311/v2/requests/{number}.json")
    assert response.status_code == 200
    return response.get_json()[0]["address"]


def test_open311_and_answers_show_the_known_place_when_there_is_no_address(
        app, db, published, make_ticket):
    placed = published(location="depan rumah Pak Darto RT 02")
    _place(db, placed)
    addressed = published(address="Jl. Merdeka 1")
    _place(db, addressed)
    unplaced = published()
    waiting = make_ticket(Status.AWAITING_VERIFICATION, location="gang belakang masjid")
    _place(db, waiting)
    client = app.test_client()

    # The place's names, not the typed location (free text can name a house or a person).
    assert _address(client, placed.number) == PLACE
    assert _address(client, waiting.number) == PLACE
    assert _address(client, addressed.number) == "Jl. Merdeka 1"
    assert _address(client, unplaced.number) is None
    listed = {r["service_request_id"]: r["address"] for r in client.get(
        "/open311/v2/requests.json?status=open,closed").get_json()}
    assert listed[placed.number] == PLACE and listed[addressed.number] == "Jl. Merdeka 1"
    xml = client.get(f"/open311/v2/requests/{placed.number}.xml").get_data(as_text=True)
    assert f"<address>{PLACE}</address>" in xml

    page = client.get(f"/jawaban/{placed.number}").get_data(as_text=True)
    assert PLACE in page and "Pak Darto" not in page
    assert labels(db, [placed.id, unplaced.id]) == {placed.id: PLACE}


def test_no_place_for_an_anonim_or_a_rahasia_ticket(app, db, published, make_ticket):
    anonim = published(anonim=True)
    _place(db, anonim)
    secret = make_ticket(Status.FORWARDED, rahasia=True)
    _place(db, secret)
    client = app.test_client()
    assert _address(client, anonim.number) is None
    assert client.get(f"/open311/v2/requests/{secret.number}.json").status_code == 404
    for path in (f"/jawaban/{anonim.number}", "/jawaban", "/jawaban.atom",
                 "/open311/v2/requests.json?status=open,closed"):
        assert "Lapeo" not in client.get(path).get_data(as_text=True), path
