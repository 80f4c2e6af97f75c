"""The one cell writer of every export (``reporting.sheets``): headers and title lines
included, text is text, a formula start is neutralised, XML-illegal characters are
dropped and an over-long text is cut to what Excel keeps."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from reporting.sheets import (
    CUT,
    MAX_CELL,
    add_lines,
    add_table,
    csv_bytes,
    csv_value,
    new_workbook,
    xlsx_bytes,
)

FORMULA = '=HYPERLINK("http://contoh.invalid","Klik")'


def _sheet(header, rows, title="Judul"):  # type: ignore[no-untyped-def]
    wb = new_workbook()
    ws = wb.create_sheet("Uji")
    add_table(ws, header, rows, start_row=add_lines(ws, [title]) + 1)
    return load_workbook(io.BytesIO(xlsx_bytes(wb)))["Uji"]


def test_a_formula_in_a_title_a_header_or_a_cell_is_a_marked_text_cell():
    ws = _sheet([FORMULA, "Nama"], [["+62 812", "@SUM(A1)"], [" =1", "-"]], title=FORMULA)
    for ref in ("A1", "A3", "A4", "B4", "A5"):
        cell = ws[ref]
        assert cell.data_type == "s" and cell.quotePrefix, ref
    assert ws["A1"].value == FORMULA and ws["A3"].value == FORMULA
    # A lone "-" (no value) is left as it is; plain text carries no mark.
    assert ws["B5"].value == "-" and not ws["B5"].quotePrefix
    assert ws["B3"].value == "Nama" and not ws["B3"].quotePrefix and ws["B3"].font.b


def test_characters_xml_cannot_carry_are_dropped_from_every_cell():
    ws = _sheet(["Ko\x00lom"], [["Budi\x0bSantoso\x1b"], ["a\ufffeb"], [7]], title="Ka\x01b")
    assert [c.value for c in ws["A"]] == ["Kab", None, "Kolom", "Budi Santoso", "ab", 7]


def test_a_text_longer_than_excel_keeps_is_cut_and_marked():
    ws = _sheet(["Uraian"], [["x" * (MAX_CELL + 10)]])
    value = ws["A4"].value
    assert len(value) == MAX_CELL and value.endswith(CUT)


def test_csv_quotes_formula_starts_in_the_header_and_the_rows():
    data = csv_bytes([FORMULA, "Nama"], [["\t=1", "Budi\x00"], [-5, None], ["-", "@x"]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [["'" + FORMULA, "Nama"], ["'\t=1", "Budi"], ["-5", ""], ["-", "'@x"]]
    assert csv_value(3) == 3 and csv_value(None) == ""
