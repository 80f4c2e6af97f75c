"""Every writer is safe on its own, for text stored before the boundary cleaned it (or
written by a path that forgot to): odd characters in a ticket, a category, a pokja and
the hotline settings, written straight to the database, leave every output valid.

PostgreSQL stores no NUL, so the stored text here carries every other character the
boundary now refuses; the writers' own unit tests (tests/reporting, tests/tickets) cover
NUL as well."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.hostile import outputs
from tests.notify.conftest import CALLER, notify_env  # noqa: F401
from tests.notify.conftest import make_ticket as notify_ticket
from tickets.clock import utcnow
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Category, Pokja, Status, Ticket
from tickets.reference import set_hotline_setting

TITLE = '=HYPERLINK("http://contoh.invalid", "klik")'
ODD = "\x01\x07\x08\x0b\x0c\x1b\x1f\x7f\x85\x9b\ufffe\uffff"


@pytest.fixture
def env_overrides(twilio, mailbox):  # noqa: F811
    return {**notify_env(twilio, mailbox), "NOTIFY_VOICE_UPDATES": "true"}


def _odd(text: str) -> str:
    """``text`` with ODD before its first space (or at its end): the controls that act as
    white space become one, the others are dropped, and ``text`` is what remains."""
    return text.replace(" ", ODD + " ", 1) if " " in text else text + ODD


@pytest.fixture
def stored(db) -> Ticket:
    """An answered, published ticket whose every text field carries odd characters, in a
    category and pokja whose names do too, under an agency name that does too."""
    ticket = notify_ticket(db, name=_odd("Budi Santoso"), description=_odd("Jalan berlubang."))
    category = db.get(Category, ticket.category_id)
    pokja = db.get(Pokja, category.pokja_id)
    category.name = _odd(category.name)
    pokja.name = _odd(pokja.name)
    ticket.location = _odd("Desa Sukamaju")
    ticket.title = _odd(TITLE)
    set_hotline_setting(db, "agency_name", _odd("Kabupaten Uji"))
    db.commit()
    transition(db, ticket, Status.FORWARDED, SYSTEM, tz="Asia/Jakarta")
    db.commit()
    ticket.answer = _odd("Sudah ditambal.")
    transition(db, ticket, Status.ANSWERED, SYSTEM, tz="Asia/Jakarta")
    ticket.public_summary = _odd("Jalan berlubang di Sukamaju.")
    ticket.address = _odd("Jl. Merdeka 1")
    ticket.answer_published, ticket.published_at = True, utcnow()
    db.commit()
    return ticket


def test_the_exports_open_and_parse(stored, supervisor):
    cells = outputs.xlsx_cells(supervisor.get("/console/ekspor-lapor?format=xlsx").get_data())
    assert "Budi Santoso" in cells
    assert TITLE in cells
    rows = outputs.csv_rows(supervisor.get("/console/ekspor-lapor?format=csv").get_data())
    assert "Budi Santoso" in rows[1]
    outputs.csv_rows(supervisor.get("/console/antrean.csv?status=semua").get_data())
    outputs.xlsx_cells(supervisor.get("/console/laporan-bulanan?format=xlsx").get_data())


def test_open311_and_the_answers_feed_parse(stored, app):
    client = app.test_client()
    root = outputs.xml(client.get("/open311/v2/requests.xml").get_data())
    assert root.findtext("request/address") == "Jl. Merdeka 1"
    outputs.json_doc(client.get("/open311/v2/requests.json").get_data())
    outputs.xml(client.get("/open311/v2/services.xml").get_data())
    outputs.xml(client.get("/open311/v2/discovery.xml").get_data())
    outputs.xml(client.get("/jawaban.atom").get_data(), "Atom")
    for path in ("/jawaban", f"/jawaban/{stored.number}", "/"):
        assert client.get(path).status_code == 200


def test_the_voice_menus_and_the_status_line_are_valid_twiml(stored, twilio_post):
    call = {"CallSid": "CA" + "b" * 32, "From": CALLER}
    outputs.twiml(twilio_post.post("/ivr/voice", call).get_data())
    outputs.twiml(twilio_post.post("/ivr/menu/category", call).get_data())
    status = outputs.twiml(twilio_post.post("/ivr/menu/status/choose",
                                            {**call, "Digits": stored.number + "#"}
                                            ).get_data())
    said = " ".join("".join(s.itertext()) for s in status.iter("Say"))
    assert "Sudah ditambal." in said


def test_a_status_reply_by_message_is_valid_twiml(stored, twilio_post):
    reply = twilio_post.message(f"STATUS {stored.number}", sender=f"whatsapp:{CALLER}")
    root = outputs.twiml(reply.get_data())
    assert "Sudah ditambal." in "".join(root.itertext())


def test_sms_and_voice_updates_carry_no_control_character(stored, twilio, db):  # noqa: F811
    sms = twilio.sent("Messages", to=CALLER)
    assert sms, "the answered ticket sends its reporter an SMS"
    for message in sms:
        outputs.clean(message["body"], "SMS")
        assert "Kabupaten Uji" in message["body"]
    for call in twilio.sent("Calls", to=CALLER):
        outputs.twiml(call["twiml"].encode())
    assert db.scalars(select(Ticket)).first() is not None
