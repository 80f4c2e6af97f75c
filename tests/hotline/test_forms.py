"""The app's urlencoded fast path (hotline.forms.HotlineRequest) reads exactly the form
Werkzeug's general parser reads, whatever the body: repeated fields, blanks, broken
percent-escapes, bytes that are not UTF-8, a charset parameter, a body read before the
form, one past the size limit; and leaves everything else to Werkzeug. The query string
gives the args Werkzeug's gives."""

from __future__ import annotations

import io
from urllib.parse import parse_qsl, urlencode

import pytest
from flask import Request
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.test import EnvironBuilder

from hotline.forms import HotlineRequest, parse_urlencoded


def _environ(body: bytes, content_type: str, *, length: bool = True) -> dict:
    environ = EnvironBuilder(method="POST", path="/ivr/voice", data=body,
                             content_type=content_type).get_environ()
    if not length:
        del environ["CONTENT_LENGTH"]
    return environ


def _both(body: bytes, content_type: str, *, limit: int | None = None,
          read_first: bool = False) -> tuple[object, object]:
    out = []
    for cls in (Request, HotlineRequest):
        request = cls(_environ(body, content_type))
        request.max_content_length = limit
        if read_first:
            assert request.get_data() == body
        out.append((request.form.to_dict(flat=False), request.files.to_dict(),
                    request.get_data()))
    return out[0], out[1]


CONTENT_TYPES = st.sampled_from([
    "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8",
    "Application/X-WWW-Form-Urlencoded", "text/plain", "application/json"])


@given(body=st.binary(max_size=300), content_type=CONTENT_TYPES, read_first=st.booleans())
def test_any_body_gives_the_form_werkzeug_gives(body, content_type, read_first):
    assert _both(body, content_type, read_first=read_first)[1] == \
        _both(body, content_type, read_first=read_first)[0]


@given(fields=st.lists(st.tuples(st.text(max_size=12), st.text(max_size=30)), max_size=12))
def test_a_twilio_form_with_repeated_and_blank_fields(fields):
    plain, fast = _both(urlencode(fields).encode(), "application/x-www-form-urlencoded")
    assert fast == plain


@pytest.mark.parametrize("body", [b"Digits=%zz&From=%2B62", b"a=%ff%fe", b"\xff\xfe=1",
                                  b"CallSid=CA1&CallSid=CA2&&=&x"])
def test_broken_escapes_and_bytes_that_are_not_utf8(body):
    plain, fast = _both(body, "application/x-www-form-urlencoded")
    assert fast == plain


def test_a_body_past_the_limit_is_refused_with_413_as_werkzeug_refuses_it():
    body = b"x=" + b"a" * 100
    for cls in (Request, HotlineRequest):
        request = cls(_environ(body, "application/x-www-form-urlencoded"))
        request.max_content_length = 50
        with pytest.raises(RequestEntityTooLarge):
            request.form  # noqa: B018


def test_a_body_without_a_declared_length_goes_through_werkzeug():
    environ = _environ(b"a=1", "application/x-www-form-urlencoded", length=False)
    environ["wsgi.input"] = io.BytesIO(b"a=1")
    environ["wsgi.input_terminated"] = True
    assert HotlineRequest(environ).form.to_dict() == Request(
        _environ(b"a=1", "application/x-www-form-urlencoded")).form.to_dict()


URLENCODED_TEXT = st.text(alphabet=st.sampled_from(list("&=+%;aZ09fF2B é\u00ff\U0001f600")),
                          max_size=60)


@given(text=URLENCODED_TEXT | st.text(max_size=60))
def test_the_urlencoded_parser_is_parse_qsl_as_werkzeug_calls_it(text):
    assert parse_urlencoded(text) == parse_qsl(text, keep_blank_values=True,
                                               errors="werkzeug.url_quote")


@given(query=st.binary(max_size=60) | URLENCODED_TEXT.map(str.encode))
def test_the_query_string_gives_the_args_werkzeug_gives(query):
    def args(cls: type[Request]) -> object:
        environ = _environ(b"", "application/x-www-form-urlencoded")
        environ["QUERY_STRING"] = query.decode("latin-1")
        try:
            return cls(environ).args.to_dict(flat=False)
        except UnicodeDecodeError:
            return "not UTF-8"

    assert args(HotlineRequest) == args(Request)
