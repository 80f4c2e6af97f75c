"""The app's request class: a urlencoded body read and parsed in one step.

Every Twilio webhook (tens per call, the hottest requests of the app) and every console
form posts ``application/x-www-form-urlencoded``. Werkzeug parses any body through a
general form parser (a parser object, a limited stream, the content type's options
parsed, then ``parse_qsl``), which cost about a tenth of a webhook's time in the app.
When the body's length is declared, :class:`HotlineRequest` reads it at once and runs the
same ``parse_qsl`` with the same options: the same form, the same 413 past
``MAX_CONTENT_LENGTH``, the same empty form for a body that is not UTF-8. Anything else
(multipart, a chunked body, no length) goes through Werkzeug's parser as before.
"""

from __future__ import annotations

import io
from urllib.parse import parse_qsl

import werkzeug.urls  # noqa: F401  (registers the "werkzeug.url_quote" codec error handler)
from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge

URLENCODED = "application/x-www-form-urlencoded"


class HotlineRequest(Request):
    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        environ = self.environ
        declared = environ.get("CONTENT_LENGTH", "")
        if (not declared.isdigit() or environ.get("HTTP_TRANSFER_ENCODING")
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
            items = parse_qsl(body.decode(), keep_blank_values=True,
                              errors="werkzeug.url_quote")
        except ValueError:  # not UTF-8: Werkzeug's parser is silent, and so is this
            items = []
        d["form"] = self.parameter_storage_class(items)
        d["files"] = self.parameter_storage_class()
