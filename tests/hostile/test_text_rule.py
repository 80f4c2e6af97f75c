"""The text rule (``tickets.text``) and the writers built on it, on generated strings:
no database, so these run once, not per backend."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from notify.config import NotifySettings
from notify.outbox import Outgoing
from notify.providers import sendable
from notify.providers.base import NotifyConfig
from notify.providers.twilio_voice import twiml as voice_twiml
from portal.open311.formats import to_xml
from reporting.sheets import add_lines, add_table, csv_bytes, new_workbook, xlsx_bytes
from tests.hostile import outputs
from tests.hostile.conftest import PURE, count
from tests.hostile.strategies import hostile
from tickets.clock import utcnow
from tickets.errors import InvalidInput
from tickets.text import clean_name, clean_text, one_line, printable

BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
NONCHARACTERS = {chr(c) for c in range(0xFDD0, 0xFDF0)} | {
    chr(plane << 16 | low) for plane in range(17) for low in (0xFFFE, 0xFFFF)}


@PURE
@given(hostile(surrogates=True))
def test_printable_keeps_only_what_every_output_carries(value):
    count("text: printable")
    text = printable(value)
    outputs.clean(text)
    assert "\r" not in text and not NONCHARACTERS & set(text)
    assert printable(text) == text
    # Nothing else changes: ordinary characters survive, in order.
    kept = [c for c in value if c.isprintable() and c not in NONCHARACTERS
            and not 0xD800 <= ord(c) <= 0xDFFF]
    assert all(c in text for c in kept)


@PURE
@given(hostile(surrogates=True), st.integers(min_value=1, max_value=5_000), st.booleans())
def test_clean_text_accepts_within_the_cap_or_refuses_with_an_indonesian_message(
        value, cap, multiline):
    count("text: clean_text")
    try:
        text = clean_text(value, field="uraian", max_len=cap, label="Uraian",
                          multiline=multiline)
    except InvalidInput as exc:
        assert exc.field == "uraian"
        assert exc.message.startswith("Uraian terlalu panjang (maksimal ")
        assert len(printable(value).strip()) > 0
        return
    outputs.clean(text)
    assert len(text) <= cap and text == text.strip()
    assert clean_text(text, field="uraian", max_len=cap, multiline=multiline) == text
    if not multiline:
        assert "\n" not in text and "\t" not in text and "  " not in text
        assert not BIDI & set(text)


@PURE
@given(hostile(surrogates=True))
def test_a_name_is_one_line_without_bidi_controls(value):
    count("text: clean_name")
    try:
        name = clean_name(value, field="reporter_name")
    except InvalidInput as exc:
        assert len(one_line(value)) > 200 and "maksimal 200 karakter" in exc.message
        return
    outputs.clean(name)
    assert name == one_line(value) and not BIDI & set(name)
    assert name.split() == name.split(" ") or name == ""  # single spaces only


@given(st.lists(st.lists(st.one_of(hostile(), st.integers(), st.none()), min_size=1,
                         max_size=4), max_size=4),
       st.lists(hostile(), min_size=1, max_size=4), hostile())
def test_every_sheet_cell_header_and_title_included_is_text_and_never_a_formula(
        rows, header, title):
    count("writers: xlsx and csv")
    width = len(header)
    rows = [(row * width)[:width] for row in rows]
    wb = new_workbook()
    ws = wb.create_sheet("Uji")
    add_table(ws, header, rows, start_row=add_lines(ws, [title]) + 1)
    cells = outputs.xlsx_cells(xlsx_bytes(wb))
    assert len(cells) >= len(header)
    parsed = outputs.csv_rows(csv_bytes(header, rows))
    assert len(parsed) == len(rows) + 1 and all(len(r) == width for r in parsed)


@PURE
@given(st.dictionaries(st.sampled_from(["address", "description", "status_notes"]),
                       st.one_of(hostile(surrogates=True), st.integers(), st.none())))
def test_open311_xml_is_well_formed_whatever_the_stored_text(data):
    count("writers: Open311 XML")
    root = outputs.xml(to_xml("service_requests", [data]))
    assert [c.tag for c in root.find("request")] == list(data)


@PURE
@given(hostile(surrogates=True), hostile(surrogates=True))
def test_outgoing_messages_and_their_twiml_carry_no_odd_character(body, subject):
    count("writers: SMS, e-mail, voice TwiML")
    message = sendable(Outgoing(1, "sms", "+6281234567890", subject, body, 0, utcnow(),
                                utcnow()))
    outputs.clean(message.body)
    assert message.subject is not None and "\n" not in message.subject
    outputs.clean(message.subject)
    config = NotifyConfig(NotifySettings(), "AC" + "0" * 32, "token", None, False, None)
    outputs.twiml(voice_twiml(message, config).encode())


@pytest.mark.parametrize("verb", [VoiceResponse, MessagingResponse])
def test_twilio_escapes_markup_but_not_control_characters(verb):
    """Why the writers clean: twilio's TwiML classes escape ``<`` and ``&`` but pass a
    control character through, and the document is then not well-formed."""
    response = verb()
    (response.say if verb is VoiceResponse else response.message)("a & <b>\x07")
    with pytest.raises(ET.ParseError):
        ET.fromstring(str(response))
    with pytest.raises(Exception, match="cannot be used in worksheets"):
        Workbook().active.cell(row=1, column=1, value="a\x07")  # type: ignore[union-attr]
