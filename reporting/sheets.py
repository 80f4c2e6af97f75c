"""Writing tables: CSV as Excel opens it (UTF-8 with BOM) and XLSX sheets (openpyxl)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

Cell = str | int | float | None
BOM = "\ufeff"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def safe_text(value: Cell) -> Cell:
    """A text cell that a spreadsheet would run as a formula (=, +, -, @) is quoted:
    a citizen's words are never executed on a supervisor's machine."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and value != "-":
        return "'" + value
    return value


def _xlsx_value(value: Cell) -> Cell:
    # openpyxl stores any other string as text; only a leading "=" would become a formula.
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else safe_text(v) for v in row])
    return out.getvalue().encode("utf-8")


def add_table(ws: Worksheet, header: Sequence[str], rows: Iterable[Sequence[Cell]],
              *, start_row: int = 1) -> int:
    """Header in bold, then the rows; column widths to fit. The next free row."""
    for col, name in enumerate(header, start=1):
        ws.cell(row=start_row, column=col, value=name).font = Font(bold=True)
    r = start_row
    widths = [len(h) for h in header]
    for r, row in enumerate(rows, start=start_row + 1):
        for col, value in enumerate(row, start=1):
            ws.cell(row=r, column=col, value=_xlsx_value(value))
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
