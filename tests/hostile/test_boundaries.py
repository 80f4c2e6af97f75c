"""Issue 19, item 5: generated hostile input into every inbound field (voice and message
webhooks, desk intake, Open311 POST, console forms, admin settings), and every output
built from it stays valid: XLSX opens, CSV parses, XML and Atom parse, JSON parses,
TwiML is well-formed, pages render without a server error.

Each property runs on both backends (PostgreSQL refuses a NUL the boundary must drop).
The examples of one property share the test's database: each example checks the
outputs its own fields reach, and after the last one every output is checked once more
with all of their data in it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import select

from accounts.apikeys import create_key
from tests.hostile import outputs
from tests.hostile.conftest import count, outcome, sid
from tests.hostile.strategies import (
    coordinate,
    hostile,
    hostile_form,
    or_valid,
    phone,
    valid_email,
    valid_phone,
)
from tickets.models import Category, Pokja, Status, Ticket
from tickets.reference import hotline_settings

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
LAPOR_XLSX = "/console/ekspor-lapor?format=xlsx"
EXPORTS = (LAPOR_XLSX, "/console/ekspor-lapor?format=csv",
           "/console/antrean.csv?status=semua", "/console/laporan-bulanan?format=xlsx")
SETTINGS = {"agency_name": "Kabupaten Uji", "office_hours": "1-5 08:00-16:00",
            "operator_number": "+62215550199", "tts_voice": "Google.id-ID-Standard-A",
            "record_max_seconds": "120"}
ONE_LINE = ("reporter_name", "location", "address", "title")


def _token(client, path: str = "/console/") -> str:  # type: ignore[no-untyped-def]
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    return TOKEN.search(page).group(1)  # type: ignore[union-attr]


def _stored_text_is_clean(db) -> None:  # type: ignore[no-untyped-def]
    db.expire_all()
    for t in db.scalars(select(Ticket)):
        for name in ("reporter_name", "location", "description", "address", "public_summary",
                     "answer", "title", "status_note", "reporter_message"):
            value = getattr(t, name)
            if value is not None:
                outputs.clean(value, f"ticket.{name}")
                assert value == value.strip(), name
                assert name not in ONE_LINE or "\n" not in value, name


def _export(supervisor, path: str = LAPOR_XLSX) -> list[object]:  # type: ignore[no-untyped-def]
    response = supervisor.get(path)
    assert response.status_code == 200, path
    check = outputs.csv_rows if "csv" in path else outputs.xlsx_cells
    return check(response.get_data())  # type: ignore[no-any-return]


def _everything_is_valid(supervisor, client) -> None:  # type: ignore[no-untyped-def]
    """Every output, after a property's last example, with all its examples' data."""
    for path in EXPORTS:
        _export(supervisor, path)
    for doc in ("requests", "services", "discovery"):
        outputs.xml(client.get(f"/open311/v2/{doc}.xml").get_data())
        outputs.json_doc(client.get(f"/open311/v2/{doc}.json").get_data())
    outputs.xml(client.get("/jawaban.atom").get_data(), "Atom")
    for path in ("/", "/jawaban", "/lacak"):
        assert client.get(path).status_code == 200, path
    for path in ("/console/antrean?status=semua", "/console/dasbor", "/console/pesan",
                 "/console/laporan-bulanan", "/console/ekspor-lapor"):
        assert supervisor.get(path).status_code == 200, path


# --- webhooks ------------------------------------------------------------------------------

def test_a_message_webhook_answers_valid_twiml_and_its_complaint_exports(
        twilio_post, supervisor, app, db):
    @given(profile=st.one_of(st.none(), hostile()), body=hostile(), sender=phone(),
           whatsapp=st.booleans())
    def property_(profile, body, sender, whatsapp):
        count("webhook: message (ProfileName, Body)")
        address = f"whatsapp:{sender}" if whatsapp else sender
        for text in ("MENU", "1", "1", "2", body, "SELESAI", body):
            response = twilio_post.message(text, sender=address, profile=profile)
            assert response.status_code == 200
            replies = "".join(outputs.twiml(response.get_data()).itertext())
            if text == "SELESAI":
                outcome("webhook: message (ProfileName, Body)",
                        "filed" if "nomor tiket" in replies else "not filed")
        _stored_text_is_clean(db)
        _export(supervisor)

    property_()
    _everything_is_valid(supervisor, app.test_client())


def test_the_voice_webhooks_answer_valid_twiml_whatever_the_form(twilio_post):
    @given(call=st.one_of(st.none(), hostile(), st.builds(sid, st.just("CA"))),
           caller=st.one_of(phone(), hostile()), to=hostile(),
           digits=st.one_of(hostile(), st.sampled_from(["1", "2", "0", "*", "9#"])),
           menu=st.sampled_from(["main", "category", "anonim", "confirm", "status",
                                 "after_status", "operator"]),
           extra=hostile())
    def property_(call, caller, to, digits, menu, extra):
        count("webhook: voice (From, To, Digits, ...)")
        form = {"From": caller, "To": to, "Digits": digits, "CallStatus": extra,
                "RecordingSid": extra, "RecordingUrl": extra, "DialCallStatus": extra}
        if call is not None:
            form["CallSid"] = call
        for path in ("/ivr/voice", f"/ivr/menu/{menu}", f"/ivr/menu/{menu}/choose",
                     "/ivr/record", "/ivr/recorded", "/ivr/operator/done",
                     "/ivr/call-status", "/ivr/recording-status"):
            response = twilio_post.post(path, form)
            assert response.status_code in (200, 204, 400), (path, response.status_code)
            if response.status_code == 200 and response.get_data():
                outputs.twiml(response.get_data())

    property_()


# --- Open311 -------------------------------------------------------------------------------

def test_an_open311_request_is_filed_or_refused_and_every_document_stays_valid(
        app, db, supervisor, limiter_clock):
    _row, key = create_key(db, "Aplikasi Lapor Desa")
    db.commit()
    code = str(db.scalars(select(Category.id).order_by(Category.id)).first())
    client = app.test_client()
    text = ("description", "address_string", "address_id", "first_name", "last_name",
            "media_url", "account_id")
    syntax = {"email": or_valid(valid_email()), "phone": or_valid(valid_phone()),
              "lat": or_valid(coordinate()), "long": or_valid(coordinate())}

    @given(hostile_form(text, optional=True, required=("description",)),
           st.fixed_dictionaries({}, optional=syntax), st.sampled_from(["xml", "json"]))
    def property_(form, contact, fmt):
        count("Open311: POST requests")
        limiter_clock.advance(3600)  # each example its own rate-limit window
        form.update(contact)
        form.setdefault("description", "Lampu jalan mati.")
        form.setdefault("address_string", "Jl. Merdeka 1")
        response = client.post(f"/open311/v2/requests.{fmt}",
                               data={"api_key": key, "service_code": code, **form})
        assert response.status_code in (201, 400), response.get_data(as_text=True)[:300]
        outcome("Open311: POST requests", "filed" if response.status_code == 201 else "refused")
        (outputs.xml if fmt == "xml" else outputs.json_doc)(response.get_data())
        _stored_text_is_clean(db)
        outputs.xml(client.get("/open311/v2/requests.xml").get_data())
        _export(supervisor)

    property_()
    _everything_is_valid(supervisor, client)


# --- the console ---------------------------------------------------------------------------

def test_desk_intake_files_or_refuses_beside_the_field_and_keeps_what_was_typed(
        operator, supervisor, app, db):
    csrf = _token(operator)
    pokja = str(db.scalars(select(Pokja.id).order_by(Pokja.id)).first())
    typed = ("reporter_name", "location", "description", "note")

    @given(hostile_form(typed, required=("description",)), or_valid(valid_phone()),
           st.sampled_from(["simpan", "teruskan"]))
    def property_(form, reporter_phone, action):
        count("console: desk intake")
        form["reporter_phone"] = reporter_phone
        response = operator.post("/console/pengaduan-baru", {
            **form, "channel": "walk_in", "pokja_id": pokja, "action": action,
            "csrf_token": csrf})
        assert response.status_code in (302, 422), response.status_code
        refused = re.findall(r'id="err-([a-z_]+)"', response.get_data(as_text=True))
        outcome("console: desk intake", f"refused {refused[0]}" if refused else "filed")
        if response.status_code == 422:
            # Refused beside a field, and nothing else that was typed is lost.
            page = response.get_data(as_text=True)
            assert 'class="error" id="err-' in page
            for name in ("reporter_name", "reporter_phone", "location", "note"):
                assert f'value="{escape(form[name])}"' in page, name
            assert str(escape(form["description"])) in page
        _stored_text_is_clean(db)
        _export(supervisor, "/console/antrean.csv?status=semua")
        _export(supervisor)

    property_()
    _everything_is_valid(supervisor, app.test_client())


def test_ticket_forms_keep_every_answer_output_valid(
        make_ticket, pokja, supervisor, operator, twilio_post, app, db):
    tokens = {agent: _token(agent) for agent in (pokja, supervisor, operator)}
    client = app.test_client()

    @given(hostile_form(("answer", "public_summary", "address", "title", "note"),
                        required=("answer", "public_summary", "note")))
    def property_(typed):
        count("console: answer, publish, LAPOR! fields, notes")
        ticket = make_ticket(Status.IN_PROGRESS)
        base = f"/console/tiket/{ticket.number}"

        def act(agent, action: str, **data: str) -> bool:  # type: ignore[no-untyped-def]
            db.expire_all()
            version = db.get(Ticket, ticket.id).version  # type: ignore[union-attr]
            response = agent.post(f"{base}/{action}", {
                **data, "csrf_token": tokens[agent], "version": str(version)})
            assert response.status_code in (302, 422), (action, response.status_code)
            if response.status_code == 422:
                assert 'class="error" id="err-' in response.get_data(as_text=True)
            return response.status_code == 302

        act(pokja, "catatan", note=typed["note"])
        if act(pokja, "jawab", answer=typed["answer"]):
            published = act(supervisor, "publikasikan", public_summary=typed["public_summary"],
                            address=typed["address"])
            outcome("console: answer, publish, LAPOR! fields, notes",
                    "published" if published else "answered")
        else:
            outcome("console: answer, publish, LAPOR! fields, notes", "refused")
        act(operator, "lapor", classification="pengaduan", title=typed["title"],
            lapor_tracking_id="")
        assert client.get(f"/jawaban/{ticket.number}").status_code in (200, 404)
        status = twilio_post.post("/ivr/menu/status/choose", {
            "CallSid": sid("CA"), "From": "+6281234567890", "Digits": ticket.number + "#"})
        outputs.twiml(status.get_data())
        reply = twilio_post.message(f"STATUS {ticket.number}", sender="+6281200000001")
        outputs.twiml(reply.get_data())
        assert pokja.get(base).status_code == 200
        _stored_text_is_clean(db)
        outputs.xml(client.get("/jawaban.atom").get_data(), "Atom")
        outputs.xml(client.get("/open311/v2/requests.xml").get_data())
        _export(supervisor)

    property_()
    _everything_is_valid(supervisor, client)


def test_admin_settings_and_names_keep_every_header_and_greeting_valid(
        admin, supervisor, twilio_post, app, db):
    csrf = _token(admin)
    client = app.test_client()
    made = iter(range(10**6))

    def agency() -> str:
        db.expire_all()
        return hotline_settings(db, app.extensions["agents"].hotline_defaults)["agency_name"]

    @given(name=hostile(), category=hostile(), pokja_name=hostile(), full_name=hostile(),
           label=hostile(), voice=st.one_of(st.just("Google.id-ID-Standard-A"), hostile()))
    def property_(name, category, pokja_name, full_name, label, voice):
        count("console: admin settings, categories, pokja, users, API keys")
        n = next(made)
        forms = [
            ("/console/admin/pengaturan", {**SETTINGS, "agency_name": name,
                                           "tts_voice": voice}),
            ("/console/admin/kategori", {"name": category, "active": "1"}),
            ("/console/admin/pokja", {"code": f"UJI{n}", "name": pokja_name, "email": "",
                                      "whatsapp": "", "active": "1"}),
            ("/console/admin/pengguna", {"action": "baru", "username": f"petugas{n}",
                                         "role": "operator", "full_name": full_name,
                                         "password": "kelapa-muda-di-pantai-7", "email": ""}),
            ("/console/admin/kunci-api", {"label": label}),
        ]
        for path, form in forms:
            response = admin.post(path, {**form, "csrf_token": csrf})
            # A new API key is shown once on the page itself (200), not after a redirect.
            assert response.status_code in (200, 302, 422), (path, response.status_code)
        call = {"CallSid": sid("CA"), "From": "+6281234567890"}
        outputs.twiml(twilio_post.post("/ivr/voice", call).get_data())
        outputs.twiml(twilio_post.post("/ivr/menu/category", call).get_data())
        outputs.xml(client.get("/open311/v2/services.xml").get_data())
        outputs.xml(client.get("/jawaban.atom").get_data(), "Atom")
        assert admin.get("/console/admin/pengaturan").status_code == 200
        assert str(_export(supervisor)[0]).startswith(f"{agency()}: ekspor SP4N-LAPOR! ")

    property_()
    for page in ("/console/admin/kategori", "/console/admin/pokja",
                 "/console/admin/pengguna", "/console/admin/kunci-api"):
        assert admin.get(page).status_code == 200, page
    _everything_is_valid(supervisor, client)


@pytest.mark.parametrize("where", ["/jawaban", "/console/antrean", "/console/masuk", "/lacak",
                                   "/open311/v2/requests"])
def test_searches_lookups_and_sign_in_take_any_text(where, app, operator, limiter_clock):
    client = app.test_client()
    csrf = _token(client, where) if where == "/console/masuk" else ""

    @given(hostile(), hostile())
    def property_(text, other):
        count("console, site and Open311: searches, lookups, sign-in")
        limiter_clock.advance(3600)  # each example its own rate-limit window
        if where == "/console/masuk":
            response = client.post(where, data={"username": text, "password": other,
                                                "csrf_token": csrf})
            assert response.status_code == 401
            page = response.get_data(as_text=True)
            assert "Nama pengguna atau kata sandi salah" in page \
                or "Terlalu banyak percobaan" in page
        elif where == "/lacak":
            response = client.post(where, data={"nomor": text, "hp": other})
            assert response.status_code in (200, 422)
        elif where.startswith("/open311"):
            query = {"service_request_id": text, "start_date": other, "status": text,
                     "service_code": other}
            for fmt, parse in (("xml", outputs.xml), ("json", outputs.json_doc)):
                response = client.get(f"{where}.{fmt}", query_string=query)
                assert response.status_code in (200, 400)
                parse(response.get_data())
        else:
            agent = operator if where.startswith("/console") else client
            assert agent.get(where, query_string={"q": text}).status_code == 200

    property_()
