"""Reading an uploaded list (CSV or XLSX) row by row, without loading it whole.

CSV: the encoding is taken from a byte-order mark (UTF-8, UTF-16), else UTF-8 when the
first 64 KB decode as UTF-8, else Windows-1252 (what older Excel saves). A UTF-8 file
with a stray Windows-1252 byte further down still reads: the odd byte is decoded as
Windows-1252 instead of failing the import halfway. The delimiter (``, ; tab |``) is
the one that splits most of the first lines into the same number of columns, or Excel's
``sep=;`` first line.

XLSX: the first worksheet, read with openpyxl's streaming mode. Cells come out as text
as the user sees them: integers without ``.0`` (a NIK typed into a number cell comes
out as its 16 digits, its last digit already zeroed by the spreadsheet; each row
carries the indexes of its number cells in ``Row.numeric`` so the cleaner can judge
that damage), other numbers with up to 15 significant digits (what Excel shows),
dates as ISO ``yyyy-mm-dd``.

The header row is the first of the first 10 lines that is at least half as full as
the fullest, so a title line above it is skipped; a line numbering the columns ``1 2 3 …`` just below it, as government forms
have, is skipped too. Blank lines are skipped, but ``Row.number`` still counts them,
so row N is always the line ``header_line + N`` of the spreadsheet.
"""

import codecs
import csv
import datetime
import io
import itertools
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_COLUMNS = 1000
_HEADER_SEARCH_LINES = 10
_SAMPLE_BYTES = 64 * 1024
_DELIMITERS = ",;\t|"
_NO_NUMBERS: frozenset[int] = frozenset()
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls from Excel 97–2003
_CSV_NAMES = (".csv", ".txt", ".tsv")
_XLSX_NAMES = (".xlsx", ".xlsm")


class TableError(ValidationError):
    """The file as a whole cannot be read; the message says what to do."""


def _cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error("geliat_cp1252_fallback", _cp1252_fallback)


class Row(list):
    """The cells of one data row as text, in header order.

    ``number``: 1 for the line right after the header row, counting blank lines, so
    the spreadsheet line is ``Table.header_line + number``. ``numeric``: indexes of
    cells that were number cells in the spreadsheet (XLSX only).
    """

    __slots__ = ("number", "numeric")

    def __init__(self, cells, *, number: int, numeric: frozenset[int] = _NO_NUMBERS):
        super().__init__(cells)
        self.number = number
        self.numeric = numeric


class Table:
    """A readable list: ``headers`` and ``rows()``; use as a context manager or ``close()``.

    ``rows()`` can be called more than once (a preview, then the import); each call
    reads the file from the start.
    """

    def __init__(self, *, format: str, headers: list[str], header_line: int, encoding=None, delimiter=None):
        self.format = format
        self.headers = headers
        self.header_line = header_line
        self.encoding = encoding
        self.delimiter = delimiter
        self._closers = []

    def rows(self) -> Iterator[Row]:
        raise NotImplementedError

    def close(self) -> None:
        while self._closers:
            self._closers.pop()()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _fit(cells: list[str], width: int) -> list[str]:
    if len(cells) < width:
        return cells + [""] * (width - len(cells))
    return cells[:width]


def _is_numbering(cells: list[str]) -> bool:
    """True for a ``1 2 3 …`` line numbering the columns below the header."""
    filled = [cell for cell in cells if cell]
    return len(filled) >= 3 and filled == [str(n) for n in range(1, len(filled) + 1)]


def _locate_header(lines: list[list[str]]) -> int | None:
    """Index of the header among the first ``lines``; None if all are blank.

    The first line filled at least half as much as the fullest: a title or a
    "Kecamatan: X" line above is emptier, while a data row fuller than its header
    (some columns left without a title) does not win.
    """
    counts = [sum(1 for cell in cells if cell) for cells in lines]
    fullest = max(counts, default=0)
    if not fullest:
        return None
    enough = fullest if fullest <= 2 else (fullest + 1) // 2
    return next(index for index, count in enumerate(counts) if count >= enough)


def _data_rows(lines: Iterator[tuple[list[str], frozenset[int]]], width: int) -> Iterator[Row]:
    """Rows after the header: blank lines skipped (but counted), a numbering line skipped."""
    for number, (cells, numeric) in enumerate(lines, start=1):
        if not any(cells):
            continue
        if number == 1 and _is_numbering(cells):
            continue
        yield Row(_fit(cells, width), number=number, numeric=numeric)


def _split_header(lines: Iterator[tuple[list[str], frozenset[int]]]) -> tuple[list[str], int]:
    """(headers, header_line) from the first lines of a file."""
    head = list(itertools.islice(lines, _HEADER_SEARCH_LINES))
    index = _locate_header([cells for cells, _numeric in head])
    if index is None:
        raise TableError(
            _("Berkas kosong. Baris pertama harus berisi judul kolom (misalnya NIK, Nama Lengkap), lalu data di bawahnya."),
            code="empty",
        )
    headers = list(head[index][0])
    while headers and not headers[-1]:
        headers.pop()
    return headers, index + 1


# CSV ------------------------------------------------------------------------------


def _detect_encoding(sample: bytes) -> tuple[str, str]:
    """(codec, errors) for reading; the codec name is what ``Table.encoding`` reports."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "geliat_cp1252_fallback"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "replace"
    try:
        # Incremental, so a character cut at the end of the sample is not a failure.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "cp1252", "replace"
    return "utf-8", "geliat_cp1252_fallback"


def _detect_delimiter(text: str, complete: bool) -> tuple[str, bool]:
    """(delimiter, whether the first line is Excel's ``sep=X`` hint)."""
    first_line = text.split("\n", 1)[0].strip().strip('"')
    if first_line.lower().startswith("sep=") and len(first_line) == 5:
        return first_line[4], True
    lines = text.splitlines()
    if not complete:
        lines = lines[:-1]  # probably cut short by the sample
    lines = [line for line in lines[:30] if line.strip()]

    def score(delimiter: str) -> tuple[int, int]:
        """(how many lines share the commonest width, that width); title lines are one cell wide."""
        widths = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter))
        widths.pop(1, None)
        widths.pop(0, None)
        if not widths:
            return (0, 0)
        width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
        return (count, width)

    scores = {delimiter: score(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda delimiter: scores[delimiter])
    return (best if scores[best] > (0, 0) else ","), False


class _CsvTable(Table):
    def __init__(self, opener, *, encoding, errors, delimiter, skip_first):
        self._open = opener
        self._errors = errors
        self._skip_first = skip_first
        stream, lines = self._lines(encoding, delimiter)
        try:
            headers, header_line = _split_header(lines)
        finally:
            stream.close()
        super().__init__(
            format="csv", headers=headers, header_line=header_line + skip_first,
            encoding=encoding, delimiter=delimiter,
        )

    def _lines(self, encoding, delimiter):
        stream = io.TextIOWrapper(self._open(), encoding=encoding, errors=self._errors, newline="")
        reader = csv.reader(stream, delimiter=delimiter)
        if self._skip_first:
            next(reader, None)

        def lines():
            try:
                for cells in reader:
                    yield [cell.strip() for cell in cells[:MAX_COLUMNS]], _NO_NUMBERS
            except csv.Error as exc:
                raise TableError(
                    _("Berkas CSV rusak di baris %(line)s (%(error)s). Simpan ulang dari Excel sebagai CSV, lalu unggah lagi.")
                    % {"line": reader.line_num, "error": exc},
                    code="unreadable",
                ) from exc

        return stream, lines()

    def rows(self) -> Iterator[Row]:
        stream, lines = self._lines(self.encoding, self.delimiter)
        self._closers.append(stream.close)
        try:
            yield from _data_rows(itertools.islice(lines, self.header_line - self._skip_first, None), len(self.headers))
        finally:
            stream.close()


# XLSX -----------------------------------------------------------------------------


def _unreadable_xlsx() -> str:
    return _("Berkas Excel tidak dapat dibaca. Buka di Excel, simpan ulang sebagai .xlsx atau .csv, lalu unggah lagi.")


def _excel_text(value) -> tuple[str, bool]:
    """A cell value as text, and whether it was a number."""
    if value is None:
        return "", False
    if isinstance(value, str):
        return value.strip(), False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e18:
            return str(int(value)), True
        return format(value, ".15g"), True
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat(), False
        return value.isoformat(sep=" "), False
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat(), False
    return str(value).strip(), False


def _xlsx_line(values: tuple) -> tuple[list[str], frozenset[int]]:
    cells, numeric = [], None
    for index, value in enumerate(values[:MAX_COLUMNS]):
        text, is_number = _excel_text(value)
        cells.append(text)
        if is_number:
            numeric = (numeric or set()) | {index}
    return cells, (frozenset(numeric) if numeric else _NO_NUMBERS)


class _XlsxTable(Table):
    def __init__(self, workbook):
        self._sheet = workbook.worksheets[0]
        # Some programs write a wrong sheet size; read the cells that are really there.
        self._sheet.reset_dimensions()
        headers, header_line = _split_header(self._lines())
        super().__init__(format="xlsx", headers=headers, header_line=header_line)
        self._closers.append(workbook.close)

    def _lines(self):
        try:
            for values in self._sheet.iter_rows(values_only=True):
                yield _xlsx_line(values)
        except Exception as exc:  # damaged XML inside the archive; openpyxl raises many types
            raise TableError(_unreadable_xlsx(), code="unreadable") from exc

    def rows(self) -> Iterator[Row]:
        lines = itertools.islice(self._lines(), self.header_line, None)
        return _data_rows(lines, len(self.headers))


# Opening --------------------------------------------------------------------------


def _opener(path_or_file):
    """A function returning a fresh binary stream positioned at the start of the file."""
    if isinstance(path_or_file, str | os.PathLike):
        path = Path(path_or_file)
        return lambda: path.open("rb")

    def reopen():
        path_or_file.seek(0)
        # Wrapped so closing the text reader does not close the caller's file.
        return io.BufferedReader(_Unclosable(path_or_file))

    return reopen


class _Unclosable(io.RawIOBase):
    def __init__(self, file):
        self._file = file

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._file.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def open_table(path_or_file, *, name: str) -> Table:
    """Open a CSV or XLSX file (a path, or a binary file object that can seek, such as
    an upload) as a :class:`Table`. ``name`` is the file's name as uploaded: its
    extension, checked against the content, tells the format.

    Raises :class:`TableError` (a ``ValidationError``) with a message in Indonesian when
    the file cannot be read.
    """
    opener = _opener(path_or_file)
    with opener() as binary:
        sample = binary.read(_SAMPLE_BYTES)
        complete = not binary.read(1)
    lower = name.lower()
    if sample.startswith(_OLE_MAGIC) or lower.endswith(".xls"):
        raise TableError(
            _("Berkas Excel lama (.xls) belum didukung. Buka di Excel, pilih Simpan Sebagai → Excel Workbook (.xlsx), lalu unggah lagi."),
            code="format",
        )
    if sample.startswith(_ZIP_MAGIC):
        if not lower.endswith(_XLSX_NAMES):
            raise TableError(
                _("Berkas ini bukan CSV atau Excel .xlsx. Simpan ulang sebagai .xlsx atau .csv, lalu unggah lagi."),
                code="format",
            )
        return _open_xlsx(path_or_file)
    if lower.endswith(_XLSX_NAMES) or not lower.endswith(_CSV_NAMES):
        raise TableError(
            _("Berkas harus berformat .csv atau .xlsx (Excel). Simpan ulang dalam salah satu format itu, lalu unggah lagi."),
            code="format",
        )
    encoding, errors = _detect_encoding(sample)
    text = sample.decode(encoding, errors="replace")
    delimiter, skip_first = _detect_delimiter(text.lstrip("\ufeff"), complete)
    return _CsvTable(opener, encoding=encoding, errors=errors, delimiter=delimiter, skip_first=skip_first)


def _open_xlsx(path_or_file) -> Table:
    from openpyxl import load_workbook

    if not isinstance(path_or_file, str | os.PathLike):
        path_or_file.seek(0)
    try:
        workbook = load_workbook(path_or_file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or mislabelled file
        raise TableError(_unreadable_xlsx(), code="unreadable") from exc
    try:
        return _XlsxTable(workbook)
    except TableError:
        workbook.close()
        raise
