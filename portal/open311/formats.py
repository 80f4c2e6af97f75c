"""The two formats of GeoReport v2: XML (required; UTF-8 with its declaration) and JSON.

Every payload is built as plain data first (a list of dicts, or a dict), then written
in either format, so both always carry the same fields in the same order, and the same
text: every string passes ``tickets.text.printable`` first, so no stored character that
XML 1.0 forbids can make a document not well-formed (JSON would escape them; the two
formats say the same thing).
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from flask import current_app
from werkzeug.wrappers import Response

from tickets.text import printable

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}


# The element each list's entries are written as, by the list's own element name.
ITEMS = {"services": "service", "service_requests": "request", "errors": "error",
         "endpoints": "endpoint", "formats": "format", "attributes": "attribute",
         "values": "value"}


def writable(value: Any) -> Any:
    """``value`` with every string in it made :func:`~tickets.text.printable`."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: writable(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [writable(inner) for inner in value]
    return value


def _fill(node: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _fill(ET.SubElement(node, key), inner)
    elif isinstance(value, list):
        for inner in value:
            _fill(ET.SubElement(node, ITEMS.get(node.tag, node.tag.rstrip("s"))), inner)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = str(value)


def to_xml(root: str, data: Any) -> bytes:
    """``data`` under ``<root>``; a list's entries are written as ``ITEMS[root]``."""
    element = ET.Element(root)
    _fill(element, writable(data))
    return XML_DECLARATION + ET.tostring(element, encoding="unicode").encode()


def respond(fmt: str, root: str, data: Any, *, status: int = 200) -> Response:
    if fmt == "json":
        body = json.dumps(writable(data), ensure_ascii=False).encode()
    else:
        body = to_xml(root, data)
    response = current_app.response_class(body, status=status, content_type=FORMATS[fmt])
    response.headers["Cache-Control"] = "no-store"
    return response


def error(fmt: str, status: int, description: str) -> Response:
    """The spec's error document: ``<errors><error><code>..</code><description>..``."""
    return respond(fmt, "errors", [{"code": status, "description": description}],
                   status=status)
