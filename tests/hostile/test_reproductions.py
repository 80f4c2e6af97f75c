"""Issue 19, items 1 and 2, one reproduction each: odd characters that came in through a
boundary (WhatsApp, Open311, the console) used to break an output for everyone, and a
formula typed as the agency's name went live in the XLSX header. Each test failed
before the fix (the PostgreSQL-only ones on PostgreSQL: SQLite stores a NUL)."""

from __future__ import annotations

from sqlalchemy import select

from accounts.apikeys import create_key
from tests.hostile import outputs
from tickets.models import Category, Channel, Status, Ticket
from tickets.reference import hotline_settings

CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x1b[31m\x1f\x7f\x85\x9b\ufffe\uffff"
EXPORT = "/console/ekspor-lapor?format="


def _newest(db) -> Ticket:  # type: ignore[no-untyped-def]
    db.expire_all()
    return db.scalars(select(Ticket).order_by(Ticket.id.desc())).first()  # type: ignore[return-value]


def _open311(app, db, **fields: str):  # type: ignore[no-untyped-def]
    _row, key = create_key(db, "Aplikasi Lapor Desa")
    db.commit()
    road = db.scalars(select(Category).where(Category.name == "Jalan dan jembatan")).one()
    data = {"api_key": key, "service_code": str(road.id),
            "address_string": "Jl. Merdeka 1, Sukamaju",
            "description": "Lampu jalan mati sejak seminggu.", **fields}
    return app.test_client().post("/open311/v2/requests.xml", data=data)


def test_a_control_character_in_a_whatsapp_profile_name_leaves_the_lapor_export_working(
        whatsapp_ticket, supervisor, db):
    reply = whatsapp_ticket("Jalan rusak\x1b di depan pasar.", profile="Budi\x0bSantoso\x00")
    assert reply.status_code == 200
    response = supervisor.get(EXPORT + "xlsx")
    assert response.status_code == 200
    assert "Budi Santoso" in outputs.xlsx_cells(response.get_data())
    ticket = _newest(db)
    assert ticket.channel is Channel.WHATSAPP and ticket.reporter_name == "Budi Santoso"


def test_a_control_character_in_an_open311_description_leaves_the_lapor_export_working(
        app, db, supervisor):
    response = _open311(app, db, description=f"Lampu jalan{CONTROLS} mati.")
    assert response.status_code == 201, response.get_data(as_text=True)
    for fmt, check in (("xlsx", outputs.xlsx_cells), ("csv", outputs.csv_rows)):
        exported = supervisor.get(EXPORT + fmt)
        assert exported.status_code == 200
        check(exported.get_data())
    assert _newest(db).description == "Lampu jalan [31m mati."


def test_a_control_character_in_an_open311_address_leaves_requests_xml_well_formed(app, db):
    response = _open311(app, db, address_string=f"Jl. Merdeka{CONTROLS} 1")
    assert response.status_code == 201
    listing = app.test_client().get("/open311/v2/requests.xml")
    root = outputs.xml(listing.get_data())
    assert [r.findtext("address") for r in root] == ["Jl. Merdeka [31m 1"]


def test_control_characters_in_a_published_summary_and_answer_leave_the_atom_feed_valid(
        make_ticket, pokja, supervisor, app, db):
    ticket = make_ticket(Status.IN_PROGRESS)
    assert pokja.post(f"/console/tiket/{ticket.number}/jawab",
                      {"answer": f"Sudah\x0c ditambal{CONTROLS}."}).status_code == 302
    assert supervisor.post(f"/console/tiket/{ticket.number}/publikasikan",
                           {"public_summary": "Jalan\x1b berlubang\x00 di Sukamaju.",
                            "address": "Desa\x07 Sukamaju"}).status_code == 302
    feed = app.test_client().get("/jawaban.atom")
    assert feed.status_code == 200
    root = outputs.xml(feed.get_data(), "Atom")
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.findtext(f"{atom}entry/{atom}summary") == "Jalan berlubang di Sukamaju."
    assert "Jawaban: Sudah ditambal [31m ." in root.findtext(f"{atom}entry/{atom}content", "")


def test_a_formula_as_the_agency_name_is_text_in_every_xlsx_header(admin, supervisor, app, db):
    formula = '=HYPERLINK("http://contoh.invalid/x","Klik untuk laporan")'
    form = {"agency_name": formula, "office_hours": "1-5 08:00-16:00",
            "operator_number": "+62215550199", "tts_voice": "Google.id-ID-Standard-A",
            "record_max_seconds": "120"}
    assert admin.post("/console/admin/pengaturan", form).status_code == 302
    db.expire_all()
    assert hotline_settings(db, app.extensions["agents"].hotline_defaults)["agency_name"] \
        == formula
    lapor = outputs.xlsx_cells(supervisor.get(EXPORT + "xlsx").get_data())
    assert lapor[0] == f"{formula}: ekspor SP4N-LAPOR! " + lapor[0].split("! ", 1)[1]
    monthly = outputs.xlsx_cells(supervisor.get("/console/laporan-bulanan?format=xlsx")
                                 .get_data())
    assert monthly[0] == formula


def test_a_nul_in_desk_intake_is_dropped_rather_than_a_server_error(operator, db):
    response = operator.post("/console/pengaduan-baru", {
        "channel": "walk_in", "reporter_name": "Siti\x00", "reporter_phone": "0812-3456-789",
        "location": "Desa\x00 Sukamaju", "description": "Lampu\x00 jalan mati."})
    assert response.status_code == 302
    ticket = _newest(db)
    assert (ticket.reporter_name, ticket.location, ticket.description) == (
        "Siti", "Desa Sukamaju", "Lampu jalan mati.")


def test_a_nul_in_a_search_or_a_username_is_no_server_error(app, operator, make_ticket):
    client = app.test_client()
    assert client.get("/jawaban?q=jalan%00").status_code == 200
    assert operator.get("/console/antrean?q=jalan%00").status_code == 200
    page = client.get("/console/masuk").get_data(as_text=True)
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/console/masuk", data={"username": "admin\x00", "password": "x",
                                               "csrf_token": csrf}).status_code == 401


def test_an_over_long_name_at_the_desk_is_refused_beside_the_field_and_nothing_is_lost(
        operator, db):
    before = _newest(db)
    response = operator.post("/console/pengaduan-baru", {
        "channel": "walk_in", "reporter_name": "Siti " * 60, "reporter_phone": "0812-3456-789",
        "location": "Desa Sukamaju", "description": "Lampu jalan mati sejak seminggu."})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="err-reporter_name">Nama pelapor terlalu panjang (maksimal 200 karakter' in page
    assert "Lampu jalan mati sejak seminggu." in page and 'value="0812-3456-789"' in page
    assert _newest(db) is before


def test_a_tts_voice_with_a_control_character_is_refused(admin, twilio_post):
    form = {"agency_name": "Kabupaten Uji", "office_hours": "1-5 08:00-16:00",
            "operator_number": "+62215550199", "tts_voice": "Google.id-ID-Standard-A\x01",
            "record_max_seconds": "120"}
    response = admin.post("/console/admin/pengaturan", form)
    assert response.status_code == 422
    assert 'id="err-tts_voice">' in response.get_data(as_text=True)
    greeting = twilio_post.post("/ivr/voice", {"CallSid": "CA" + "a" * 32,
                                               "From": "+6281234567890"})
    outputs.twiml(greeting.get_data())


def test_a_second_category_of_the_same_non_ascii_name_is_refused_not_a_server_error(admin):
    # Found by the nightly profile: SQLite's lower() folds ASCII only, so the duplicate
    # check missed "Ölçü" and the unique constraint answered with a 500.
    form = {"name": "Ölçü Air Bersih", "active": "1"}
    assert admin.post("/console/admin/kategori", form).status_code == 302
    again = admin.post("/console/admin/kategori", form)
    assert again.status_code == 422
    assert 'id="err-name">Nama kategori sudah dipakai.' in again.get_data(as_text=True)
