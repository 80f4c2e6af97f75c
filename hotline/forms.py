"""The app's request class: a urlencoded body read and parsed in one step.

Every Twilio webhook (tens per call, the hottest requests of the app) and every console
form posts ``application/x-www-form-urlencoded``. Werkzeug parses any body through a
general form parser (a parser object, a limited stream, the content type's options
parsed, then ``parse_qsl``), which cost about a tenth of a webhook's time in the app.
When the body's length is declared, :class:`HotlineRequest` reads it at once and parses
it as Werkzeug's ``parse_qsl`` call does (:func:`parse_urlencoded`): the same form, the
same 413 past ``MAX_CONTENT_LENGTH``, the same empty form for a body that is not UTF-8.
Anything else (multipart, a chunked body, no length) goes through Werkzeug's parser as
before. The query string (``request.args``, the menus' ``attempt``) is parsed the same way.
"""

from __future__ import annotations

import io
from urllib.parse import unquote

import werkzeug.urls  # noqa: F401  (registers the "werkzeug.url_quote" codec error handler)
from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property

URLENCODED = "application/x-www-form-urlencoded"


def parse_urlencoded(text: str) -> list[tuple[str, str]]:
    """``urllib.parse.parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")``,
    as Werkzeug calls it for a form and a query string, in about half the time: a field
    is split once, and ``+`` and ``%`` are decoded only where they occur (a Twilio form
    has them in two of its eight fields). ``tests/hotline/test_forms.py`` compares the
    two on any text."""
    items = []
    for field in text.split("&"):
        if not field:
            continue
        name, _, value = field.partition("=")
        if "+" in name:
            name = name.replace("+", " ")
        if "%" in name:
            name = unquote(name, errors="werkzeug.url_quote")
        if "+" in value:
            value = value.replace("+", " ")
        if "%" in value:
            value = unquote(value, errors="werkzeug.url_quote")
        items.append((name, value))
    return items


class HotlineRequest(Request):
    @cached_property
    def args(self) -> MultiDict[str, str]:
        # Werkzeug's own, with parse_urlencoded for parse_qsl (a query string that is
        # not UTF-8 raises here as it does there).
        return self.parameter_storage_class(parse_urlencoded(self.query_string.decode()))

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        environ = self.environ
        declared = environ.get("CONTENT_LENGTH", "")
        if (not (declared.isascii() and declared.isdecimal())  # what int() reads as such
                or environ.get("HTTP_TRANSFER_ENCODING")
                or environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
                != URLENCODED):
            super()._load_form_data()
            return
        d = self.__dict__
        body = d.get("_cached_data")  # get_data() read it before the form was asked for
        if body is None:
            size = int(declared)
            limit = self.max_content_length
            if limit is not None and size > limit:
                raise RequestEntityTooLarge()
            body = environ["wsgi.input"].read(size)
            d["stream"] = io.BytesIO()  # consumed, as Werkzeug's is after parsing
        try:
            items = parse_urlencoded(body.decode())
        except ValueError:  # not UTF-8: Werkzeug's parser is silent, and so is this
            items = []
        d["form"] = self.parameter_storage_class(items)
        d["files"] = self.parameter_storage_class()
