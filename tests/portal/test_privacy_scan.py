"""No public response names a reporter: every page of the public site and every Open311
document, for every kind of ticket, is scanned for the reporters' names, numbers (in
every spelling), e-mail, the descriptions, transcripts, internal notes and anything of a
rahasia ticket."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from analytics.demo import seed_places
from analytics.models import Place, PlaceKind, TicketPlace
from tests.portal.conftest import LAST_FOUR
from tickets.lifecycle import SYSTEM, record_event
from tickets.models import Category, Channel, Status, Ticket, Transcript

NAMES = ("Budi Santoso", "Siti Aminah", "Joko Widodo")
PHONES = ("+6281234567890", "081234567890", "0812-3456-7890", "6281234567890",
          "81234567890", "+6281298765432", "081298765432", "0812-9876-5432", "81298765432")
PRIVATE = ("siti@example.id", "DESKRIPSI-INTERNAL", "TRANSKRIP-MESIN", "CATATAN-INTERNAL",
           "RAHASIA-JAWABAN", "RAHASIA-RINGKASAN", "ALAMAT-ANONIM", "/rekaman",
           # The places the gazetteer knows of the anonim and the rahasia tickets, and the
           # typed (free-text) location, which is never shown.
           "Lapeo", "Campalagian", "Saragian", "LOKASI-KETIKAN")


def _forbidden(secret_number: str) -> list[str]:
    return [*NAMES, *PHONES, *PRIVATE, secret_number]


def test_no_public_response_contains_a_reporter_or_anything_rahasia(
        app, db, make_ticket, published, api_key):
    plain = published(description="DESKRIPSI-INTERNAL jalan rusak",
                      location="LOKASI-KETIKAN")
    anonim = published(anonim=True, address="ALAMAT-ANONIM",
                       description="DESKRIPSI-INTERNAL Budi Santoso melapor")
    db.add(Transcript(ticket_id=anonim.id, text="TRANSKRIP-MESIN nama saya Budi Santoso",
                      engine="whisper"))
    record_event(db, anonim, SYSTEM, "note", "CATATAN-INTERNAL +6281234567890", internal=True)
    secret = make_ticket(Status.ANSWERED, rahasia=True, answer="RAHASIA-JAWABAN",
                         public_summary="RAHASIA-RINGKASAN", answer_published=True,
                         reporter_name="Joko Widodo")
    desk = make_ticket(Status.FORWARDED, reporter_phone=None)
    seed_places(db)
    for ticket, desa in ((plain, "Mombi"), (anonim, "Lapeo"), (secret, "Saragian")):
        place = db.scalars(select(Place).where(Place.kind == PlaceKind.DESA,
                                               Place.name == desa)).one()
        db.add(TicketPlace(ticket_id=ticket.id, kecamatan=place.parent, desa=place,
                           source="operator"))
    db.commit()
    road = db.scalars(select(Category).where(Category.name == "Jalan dan jembatan")).one()

    client = app.test_client()
    responses: dict[str, bytes] = {}

    def get(path: str) -> None:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        responses[f"GET {path}"] = response.get_data()

    def post(path: str, data: dict[str, str]) -> bytes:
        response = client.post(path, data=data)
        assert response.status_code in (200, 201), (path, response.get_data())
        responses[f"POST {path} {sorted(data.items())}"] = response.get_data()
        return response.get_data()

    filed = post("/open311/v2/requests.json", {
        "api_key": api_key, "service_code": str(road.id), "first_name": "Siti",
        "last_name": "Aminah", "phone": "0812-9876-5432", "email": "siti@example.id",
        "address_string": "Jl. Merdeka", "description": "DESKRIPSI-INTERNAL Siti Aminah"})
    assert b"service_request_id" in filed
    open311_number = db.scalar(select(Ticket.number).where(Ticket.channel == Channel.OPEN311))
    numbers = [plain.number, anonim.number, secret.number, desk.number, open311_number]

    for path in ("/", "/lacak", "/jawaban", "/jawaban?q=jalan", "/jawaban?q=Budi",
                 f"/jawaban?kategori={road.id}", "/jawaban.atom", "/static/public/public.css"):
        get(path)
    for fmt in ("xml", "json"):
        for path in ("discovery", "services", f"services/{road.id}", "requests",
                     "requests?status=open,closed"):
            get(f"/open311/v2/{path.replace('?', f'.{fmt}?') if '?' in path else path + '.' + fmt}")
        get(f"/open311/v2/requests.{fmt}?service_request_id={','.join(numbers)}")
    for number in numbers:
        get(f"/jawaban/{number}")
        for fmt in ("xml", "json"):
            get(f"/open311/v2/requests/{number}.{fmt}")
            get(f"/open311/v2/tokens/{number}.{fmt}")
        for hp in ("0000", "", "5432"):
            if number != secret.number:
                post("/lacak", {"nomor": number, "hp": hp})
        if number not in (secret.number,):
            post("/lacak", {"nomor": number, "hp": LAST_FOUR})

    # The rahasia ticket's own reporter may track it (the number they typed, its status),
    # and nothing more; everyone else learns nothing of it at all.
    own = client.post("/lacak", data={"nomor": secret.number, "hp": LAST_FOUR}).get_data()
    assert b"Sudah dijawab" in own
    for word in (*NAMES, *PHONES, *PRIVATE):
        assert word.encode() not in own, word

    assert len(responses) > 60
    for name, body in responses.items():
        lowered = body.decode().lower()
        for word in _forbidden(secret.number):
            assert word.lower() not in lowered, f"{word!r} in {name}"
    # The scan did read real content: the published answers are there.
    assert any(b"Jalan sudah ditambal" in body for body in responses.values())
    # The plain ticket's place (no address of its own) is shown, by Open311 and /jawaban.
    assert sum(b"Desa/Kel. Mombi" in body for body in responses.values()) >= 3


@pytest.fixture
def env_overrides() -> dict[str, str]:
    return {"PUBLIC_LOOKUP_LIMIT": "1000/minute"}
