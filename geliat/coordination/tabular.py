"""Tables out of Geliat (3W, open data, reports) as CSV or XLSX, safe to open in a spreadsheet:
text that a spreadsheet would run as a formula is neutralised by ``geliat.core.formulas``
(the project's one rule), numbers stay numbers."""

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from geliat.core.formulas import neutralise


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads names such as "Ma'ruf" correctly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([_cell(value) for value in header])
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue().encode()


def xlsx_bytes(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """One sheet per (title, header, rows)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append([_xlsx(value) for value in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_xlsx(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx(value: Any) -> Any:
    value = _cell(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value
