"""Open311 GeoReport v2: the documents' shapes in XML and JSON, filing with an API key,
the filters, the errors, and the rate limit per key."""

from __future__ import annotations

import json
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from accounts.models import ApiKey
from tests.portal.conftest import SUMMARY
from tickets.clock import utcnow
from tickets.models import Category, Channel, Status, Ticket

BASE = "/open311/v2"
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name",
                  "service_code", "description", "agency_responsible", "service_notice",
                  "requested_datetime", "updated_datetime", "expected_datetime", "address",
                  "address_id", "zipcode", "lat", "long", "media_url"]
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type",
                  "keywords", "group"]


def xml(response) -> ET.Element:  # type: ignore[no-untyped-def]
    assert response.content_type == "text/xml; charset=utf-8"
    assert response.get_data().startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.get_data())


def children(element: ET.Element) -> list[str]:
    return [c.tag for c in element]


def road_category(db) -> Category:  # type: ignore[no-untyped-def]
    return db.scalars(select(Category).where(Category.name == "Jalan dan jembatan")).one()


def file(client, key: str, fmt: str = "xml", **fields: str):  # type: ignore[no-untyped-def]
    data = {"api_key": key, "service_code": fields.pop("service_code", ""),
            "address_string": "Jl. Merdeka 1, Sukamaju",
            "description": "Lampu jalan mati sejak seminggu.", **fields}
    return client.post(f"{BASE}/requests.{fmt}", data=data)


def test_discovery_names_the_v2_endpoint_and_both_formats(app):
    client = app.test_client()
    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert children(root) == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint is not None
    assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url", "").endswith("/open311/v2")
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml",
                                                                    "application/json"]
    data = client.get(f"{BASE}/discovery.json").get_json()
    assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]


def test_services_are_the_active_categories_with_their_ids_as_codes(app, db):
    client = app.test_client()
    road = road_category(db)
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services" and {c.tag for c in root} == {"service"}
    first = root[0]
    assert children(first) == SERVICE_FIELDS
    assert first.findtext("metadata") == "false" and first.findtext("type") == "realtime"
    listed = client.get(f"{BASE}/services.json").get_json()
    assert {"service_code": str(road.id), "service_name": "Jalan dan jembatan"}.items() <= \
        next(s for s in listed if s["service_code"] == str(road.id)).items()
    road.active = False
    db.commit()
    assert str(road.id) not in {s["service_code"] for s in
                                client.get(f"{BASE}/services.json").get_json()}
    definition = xml(client.get(f"{BASE}/services/{listed[1]['service_code']}.xml"))
    assert definition.tag == "service_definition"
    assert children(definition) == ["service_code", "attributes"]
    missing = client.get(f"{BASE}/services/99999.json")
    assert missing.status_code == 404 and missing.get_json()[0]["code"] == 404


def test_a_client_files_a_request_with_its_key_and_finds_it_by_id(app, db, api_key):
    client = app.test_client()
    road = road_category(db)
    response = file(client, api_key, service_code=str(road.id), first_name="Siti",
                    last_name="Aminah", phone="0812-9876-5432", email="siti@example.id",
                    account_id="u-17")
    assert response.status_code == 201
    root = xml(response)
    assert root.tag == "service_requests"
    filed = root.find("request")
    assert filed is not None
    assert children(filed) == ["service_request_id", "token", "service_notice", "account_id"]
    number = filed.findtext("service_request_id", "")
    assert filed.findtext("account_id") == "u-17" and "verifikasi" in filed.findtext(
        "service_notice", "")

    ticket = db.scalars(select(Ticket).where(Ticket.number == number)).one()
    assert ticket.channel is Channel.OPEN311 and ticket.status is Status.AWAITING_VERIFICATION
    assert ticket.reporter_phone == "+6281298765432" and ticket.reporter_email == \
        "siti@example.id"
    assert ticket.reporter_name == "Siti Aminah" and ticket.category_id == road.id
    assert ticket.events[0].actor_label == "Open311: Aplikasi Lapor Desa"
    assert db.scalars(select(ApiKey)).one().last_used_at is not None

    one = xml(client.get(f"{BASE}/requests/{number}.xml"))
    request = one.find("request")
    assert request is not None and children(request) == REQUEST_FIELDS
    assert request.findtext("status") == "open"
    assert request.findtext("status_notes") == "Menunggu verifikasi"
    assert request.findtext("address") == "Jl. Merdeka 1, Sukamaju"
    assert request.findtext("description") == ""  # not published: no text at all
    assert request.findtext("requested_datetime", "").endswith("+07:00")
    assert request.findtext("expected_datetime", "").endswith("+07:00")
    as_json = client.get(f"{BASE}/requests/{number}.json").get_json()
    assert list(as_json[0]) == REQUEST_FIELDS
    assert as_json[0]["service_code"] == str(road.id)
    token = client.get(f"{BASE}/tokens/{number}.json").get_json()
    assert token == [{"service_request_id": number, "token": number}]


def test_json_filing_answers_json(app, db, api_key):
    response = file(app.test_client(), api_key, "json", service_code=str(road_category(db).id),
                    lat="-6.2", long="106.8", address_string="")
    assert response.status_code == 201
    assert response.content_type == "application/json; charset=utf-8"
    number = response.get_json()[0]["service_request_id"]
    assert db.scalars(select(Ticket.address).where(Ticket.number == number)).one() == \
        "-6.200000, 106.800000"


@pytest.mark.parametrize(("fields", "status", "words"), [
    ({"api_key": ""}, 403, "api_key"),
    ({"api_key": "wrong-key"}, 403, "api_key"),
    ({"service_code": ""}, 400, "service_code"),
    ({"service_code": "99999"}, 400, "service_code"),
    ({"address_string": ""}, 400, "Lokasi"),
    ({"description": ""}, 400, "description"),
    ({"description": "x" * 4001}, 400, "description"),
    ({"email": "bukan-email"}, 400, "email"),
    ({"phone": "12"}, 400, "phone"),
    ({"lat": "north", "long": "1"}, 400, "lat"),
])
def test_a_bad_post_gets_the_spec_error_format_and_files_nothing(app, db, api_key, fields,
                                                                 status, words):
    client = app.test_client()
    data = {"service_code": str(road_category(db).id), **fields}
    key = data.pop("api_key", api_key)
    response = file(client, key, **data)
    assert response.status_code == status
    root = xml(response)
    assert root.tag == "errors" and children(root) == ["error"]
    assert children(root[0]) == ["code", "description"]
    assert root.findtext("error/code") == str(status) and words in root.findtext(
        "error/description", "")
    as_json = file(client, key, "json", **data).get_json()
    assert as_json == [{"code": status, "description": root.findtext("error/description")}]
    assert db.scalar(select(Ticket.id).where(Ticket.channel == Channel.OPEN311)) is None


def test_a_revoked_key_files_nothing(app, db, api_key):
    from accounts.apikeys import revoke_key

    revoke_key(db, db.scalars(select(ApiKey)).one().id)
    db.commit()
    response = file(app.test_client(), api_key, service_code=str(road_category(db).id))
    assert response.status_code == 403


def test_get_requests_filters_by_id_list_code_dates_and_status(app, db, make_ticket,
                                                                published):
    open_one = make_ticket(Status.FORWARDED)
    done = published()
    health = make_ticket(code="DINKES")
    secret = make_ticket(Status.FORWARDED, rahasia=True)
    client = app.test_client()

    def ids(query: str) -> set[str]:
        return {r["service_request_id"] for r in
                client.get(f"{BASE}/requests.json{query}").get_json()}

    everything = ids("")
    assert {open_one.number, done.number, health.number} <= everything
    assert secret.number not in everything
    assert ids(f"?service_request_id={open_one.number},{secret.number}") == {open_one.number}
    assert ids(f"?service_code={health.category_id}") == {health.number}
    assert ids("?status=closed") == set()
    assert open_one.number in ids("?status=open") and done.number in ids("?status=open")
    db.get(Ticket, done.id).status = Status.CLOSED  # type: ignore[union-attr]
    db.commit()
    assert ids("?status=closed") == {done.number}
    now = utcnow()
    recent = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    later = (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert open_one.number in ids(f"?start_date={recent}&end_date={later}")
    assert ids(f"?end_date={recent}") == set()
    published_one = client.get(f"{BASE}/requests/{done.number}.json").get_json()[0]
    assert published_one["description"] == SUMMARY
    assert published_one["agency_responsible"] == "Pokja Infrastruktur (Dinas PUPR)"
    assert published_one["status"] == "closed" and published_one["status_notes"] == "Selesai"


@pytest.mark.parametrize("query", [
    "?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",  # more than 90 days
    "?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",
    "?start_date=kemarin",
    "?status=pending",
    "?service_request_id=12345679",  # a bad check digit
    "?service_code=abc",
])
def test_bad_filters_get_400_in_the_error_format(app, query):
    response = app.test_client().get(f"{BASE}/requests.xml{query}")
    assert response.status_code == 400
    assert xml(response).findtext("error/code") == "400"


def test_a_rahasia_or_unknown_request_is_not_found(app, make_ticket):
    secret = make_ticket(Status.FORWARDED, rahasia=True)
    client = app.test_client()
    for path in (f"requests/{secret.number}", f"tokens/{secret.number}", "requests/12345678"):
        response = client.get(f"{BASE}/{path}.json")
        assert response.status_code == 404 and response.get_json()[0]["code"] == 404
    assert client.get(f"{BASE}/services.csv").status_code == 404


@pytest.fixture
def env_overrides() -> dict[str, str]:
    return {"OPEN311_POST_LIMIT": "2/minute"}


def test_filing_is_rate_limited_per_key(app, db, api_key, limiter_clock):
    from accounts.apikeys import create_key

    _row, other = create_key(db, "Aplikasi kedua")
    db.commit()
    client = app.test_client()
    code = str(road_category(db).id)
    assert [file(client, api_key, service_code=code).status_code for _ in range(3)] == \
        [201, 201, 429]
    refused = file(client, api_key, "json", service_code=code)
    assert refused.status_code == 429 and refused.get_json()[0]["code"] == 429
    assert file(client, other, service_code=code).status_code == 201
    limiter_clock.advance(61)
    assert file(client, api_key, service_code=code).status_code == 201


def test_the_cli_creates_lists_and_revokes_keys(app, db):
    from hotline.cli import cli

    runner = CliRunner()
    created = runner.invoke(cli, ["open311", "keys", "create", "Mitra Desa"], obj=_script(app))
    assert created.exit_code == 0, created.output
    key = created.output.split(": ", 1)[1].split()[0]
    listed = runner.invoke(cli, ["open311", "keys", "list", "--json"], obj=_script(app))
    rows = json.loads(listed.output)
    assert rows[0]["label"] == "Mitra Desa" and key not in listed.output
    client = app.test_client()
    code = str(road_category(db).id)
    assert file(client, key, service_code=code).status_code == 201
    revoked = runner.invoke(cli, ["open311", "keys", "revoke", str(rows[0]["id"])],
                            obj=_script(app))
    assert revoked.exit_code == 0
    assert file(client, key, service_code=code).status_code == 403
    assert runner.invoke(cli, ["open311", "keys", "revoke", "999"],
                         obj=_script(app)).exit_code == 1


def _script(app):  # type: ignore[no-untyped-def]
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)
