"""Writing exports: streamed CSV, XLSX built in a temporary file; each export audited.

The audit event is written before any row leaves Geliat, so no data goes out unrecorded
(a failed audit write fails the export). A CSV export records the query's count taken
just before streaming; an XLSX export records the rows actually written to the file.

No transaction is held around the read: on SQLite (``BEGIN IMMEDIATE``) it would lock
every writer out for as long as a million-row export takes.
"""

import csv
import datetime
import io
import tempfile
from collections.abc import Iterator, Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from geliat.audit.models import AuditEvent
from geliat.audit.services import audit_record
from geliat.core.formulas import neutralise
from geliat.core.scope import user_region_code
from geliat.exports.selectors import export_count, export_filters, export_rows

# Rows per sheet: Excel's limit (1,048,576) less the header row.
XLSX_SHEET_ROWS = 1_048_575
_CSV_FLUSH_ROWS = 1000


def _audit(*, user, kind: str, filters: Mapping[str, Any], fmt: str, rows: int, unmasked: bool, request) -> None:
    audit_record(
        actor=user,
        action=AuditEvent.Action.EXPORT,
        object_type=f"export.{kind}",
        region_code=user_region_code(user) or "",
        after={"filters": export_filters(kind=kind, filters=filters), "format": fmt, "rows": rows, "unmasked": unmasked},
        note=_("NIK dan nomor HP lengkap") if unmasked else "",
        request=request,
    )


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(value)


def _csv_chunks(header: list[str], rows: Iterator[list]) -> Iterator[bytes]:
    # The byte-order mark tells Excel the file is UTF-8 (names such as "Ma'ruf", "Sa'diyah").
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([_csv_cell(cell) for cell in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(cell) for cell in row])
        if count % _CSV_FLUSH_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def export_csv(
    *, user, kind: str, filters: Mapping[str, Any], unmasked: bool = False, request=None
) -> Iterator[bytes]:
    """The export as UTF-8 CSV chunks (with a byte-order mark), for a streaming response.

    Numbers are written as digits and dates as yyyy-mm-dd. A NIK is text, but a CSV file
    cannot say so: Excel must open it through "Data → From Text/CSV" with the NIK column
    set to Text, or it shows 3.51401E+15 (the XLSX export keeps it as text).
    """
    unmasked = unmasked and user.needs_pii
    header, rows = export_rows(user=user, kind=kind, filters=filters, unmasked=unmasked)
    count = export_count(user=user, kind=kind, filters=filters)
    _audit(user=user, kind=kind, filters=filters, fmt="csv", rows=count, unmasked=unmasked, request=request)
    return _csv_chunks(header, rows)


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        # Control characters make an invalid file; what is left is neutralised like CSV.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _sheet(workbook: Workbook, header: list, *, number: int):
    sheet = workbook.create_sheet(_("Data") if number == 1 else _("Data %(n)d") % {"n": number})
    sheet.append(header)
    return sheet


def export_xlsx(
    *, user, kind: str, filters: Mapping[str, Any], unmasked: bool = False, request=None
) -> IO[bytes]:
    """The export as an XLSX workbook in an open temporary file (deleted when closed).

    openpyxl's write-only mode streams each row to disk, so memory stays flat. Numbers
    are number cells, dates date cells, NIK and phone text cells. Past Excel's row limit
    the rows continue on another sheet.
    """
    unmasked = unmasked and user.needs_pii
    header, rows = export_rows(user=user, kind=kind, filters=filters, unmasked=unmasked)
    workbook = Workbook(write_only=True)
    header = [_xlsx_cell(cell) for cell in header]
    sheet = _sheet(workbook, header, number=1)
    count = 0
    for row in rows:
        if count and count % XLSX_SHEET_ROWS == 0:
            sheet = _sheet(workbook, header, number=count // XLSX_SHEET_ROWS + 1)
        sheet.append([_xlsx_cell(cell) for cell in row])
        count += 1
    out = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(out)
    out.seek(0)
    _audit(user=user, kind=kind, filters=filters, fmt="xlsx", rows=count, unmasked=unmasked, request=request)
    return out
