"""Writing tables: CSV as Excel opens it (UTF-8 with BOM) and XLSX sheets (openpyxl).

Every cell of every export, header and title lines included, goes through
:func:`cell_text`: :func:`put` for a sheet, :func:`csv_value` for CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tickets.text import printable

Cell = str | int | float | None
BOM = "\ufeff"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


# Excel keeps at most this many characters in a cell and asks to "repair" a longer one.
MAX_CELL = 32_767
CUT = "…"
FORMULA_STARTS = ("=", "+", "-", "@")


def cell_text(value: str) -> tuple[str, bool]:
    """The text a cell may hold, and whether a spreadsheet would run it as a formula.

    Characters XML cannot carry are dropped (``tickets.text.printable``: an XLSX is XML,
    and openpyxl refuses them), an over-long text is cut to what Excel keeps, and any
    text starting with ``=``, ``+``, ``-`` or ``@`` (after white space, which some
    spreadsheets skip), a tab or a carriage return counts as a formula start."""
    text = printable(value)
    if len(text) > MAX_CELL:
        text = text[:MAX_CELL - len(CUT)] + CUT
    formula = text != "-" and (value[:1] in ("\t", "\r")
                               or text.lstrip()[:1] in FORMULA_STARTS)
    return text, formula


def csv_value(value: Cell) -> Cell:
    """A CSV cell: formula starts quoted with a leading ``'``, as OWASP advises, since CSV
    has no way to mark a cell as text. A citizen's words never run on a supervisor's
    machine."""
    if not isinstance(value, str):
        return "" if value is None else value
    text, formula = cell_text(value)
    return "'" + text if formula else text


def put(ws: Worksheet, row: int, column: int, value: Cell, *, bold: bool = False) -> None:
    """The one way a value enters a sheet, header or body: text is always a text cell
    (never a formula, whatever it starts with), and a formula-like one carries Excel's
    own "typed with a leading '" mark (quotePrefix), so editing the cell keeps it text."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        text, formula = cell_text(value)
        cell.value = text
        cell.data_type = "s"  # openpyxl would store a leading "=" as a formula
        if formula:
            cell.quotePrefix = True
    else:
        cell.value = value
    if bold:
        cell.font = Font(bold=True)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_value(v) for v in header])
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    return out.getvalue().encode("utf-8")


def add_lines(ws: Worksheet, lines: Sequence[str], *, start_row: int = 1) -> int:
    """Title lines above a table, one cell each; the next free row."""
    for offset, line in enumerate(lines):
        put(ws, start_row + offset, 1, line)
    return start_row + len(lines)


def add_table(ws: Worksheet, header: Sequence[str], rows: Iterable[Sequence[Cell]],
              *, start_row: int = 1) -> int:
    """Header in bold, then the rows; column widths to fit. The next free row."""
    for col, name in enumerate(header, start=1):
        put(ws, start_row, col, name, bold=True)
    r = start_row
    widths = [len(h) for h in header]
    for r, row in enumerate(rows, start=start_row + 1):
        for col, value in enumerate(row, start=1):
            put(ws, r, col, value)
            widths[col - 1] = max(widths[col - 1], min(60, len(str(value or ""))))
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width + 2
    return r + 1


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    return wb


def xlsx_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
