"""What "the output stays valid" means, one check per format: the XLSX opens and holds no
formula, the CSV parses, the XML (Open311, Atom, TwiML) is well-formed, the JSON parses.

Every check also refuses the characters no output may carry (``FORBIDDEN``), so a writer
that passes them through, even where the parser would not mind, fails here."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any
from xml.etree import ElementTree as ET

from openpyxl import load_workbook

# C0 controls but tab, newline and carriage return; DEL and the C1 controls; surrogates;
# U+FFFE and U+FFFF. XML 1.0 forbids the first, third and fourth groups outright.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
FORMULA_START = ("=", "+", "-", "@")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")


def clean(text: str, where: str = "") -> str:
    found = FORBIDDEN.search(text)
    assert found is None, f"{where}: {found.group(0)!r} at {found.start()} in {text[:80]!r}"
    return text


def xml(body: bytes, where: str = "XML") -> ET.Element:
    """A well-formed XML document (the parse raises otherwise)."""
    clean(body.decode("utf-8"), where)
    return ET.fromstring(body)


def twiml(body: bytes) -> ET.Element:
    root = xml(body, "TwiML")
    assert root.tag == "Response"
    return root


def json_doc(body: bytes) -> Any:
    text = body.decode("utf-8")
    data = json.loads(text)
    # A JSON string may carry an escaped control character legally; ours never do.
    clean(json.dumps(data, ensure_ascii=False), "JSON")
    return data


def csv_rows(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8-sig")
    clean(text.replace("\r\n", "\n"), "CSV")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows:
        for cell in row:
            assert not cell.lstrip().startswith(FORMULA_START) or cell == "-" \
                or NUMBER.fullmatch(cell), f"CSV cell starts a formula: {cell[:40]!r}"
    return rows


def xlsx_cells(body: bytes) -> list[Any]:
    """Every cell of every sheet; none is a formula, and any text that a spreadsheet would
    read as one is marked as text (quotePrefix), as Excel marks a typed leading ``'``."""
    wb = load_workbook(io.BytesIO(body))
    cells = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {ws.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    clean(cell.value, f"{ws.title}!{cell.coordinate}")
                    if cell.value.lstrip().startswith(FORMULA_START) and cell.value != "-":
                        assert cell.quotePrefix, f"{ws.title}!{cell.coordinate} not text"
                cells.append(cell.value)
    return cells
