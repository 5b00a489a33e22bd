"""Reading a spreadsheet of officers (CSV or XLSX) into rows, and writing results back out.

Headers are matched loosely (``No. HP``, ``no hp/wa`` and ``NO_HP`` are the same
column); unknown columns are ignored. Whole-file problems raise ``ValidationError``;
problems in one row are that row's business and are judged by the import service.
"""

import csv
import io
import itertools
from dataclasses import dataclass, fields

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from geliat.wilayah.text import name_key

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_RAW_ROWS = 5 * MAX_ROWS  # blank rows included
MAX_COLUMNS = 60

# Canonical column → the header spellings (as name keys) that mean it.
_HEADERS = {
    "name": ("nama", "namalengkap", "namapetugas", "namaketua"),
    "phone": ("nohp", "hp", "nohpwa", "nowa", "wa", "nomorhp", "nomorhpwa", "telepon", "notelepon", "telp", "notelp"),
    "level": ("tingkat", "level"),
    "kecamatan": ("kecamatan", "kec"),
    "desa": ("desa", "kelurahan", "desakelurahan", "desakel", "kel"),
    "dusun": ("dusun", "dukuh"),
    "rw": ("rw", "norw", "nomorrw"),
    "rt": ("rt", "nort", "nomorrt"),
    "username": ("username", "namapengguna", "akun"),
}
_HEADER_KEYS = {key: column for column, keys in _HEADERS.items() for key in keys}

# The headers of the template offered for download, in order.
TEMPLATE_HEADERS = ["Nama", "No HP", "Tingkat", "Kecamatan", "Desa", "Dusun", "RW", "RT", "Username"]


@dataclass
class OfficerRow:
    """One data row of the sheet; ``line`` is its row number as the spreadsheet shows it."""

    line: int
    name: str = ""
    phone: str = ""
    level: str = ""
    kecamatan: str = ""
    desa: str = ""
    dusun: str = ""
    rw: str = ""
    rt: str = ""
    username: str = ""


_ROW_FIELDS = {f.name for f in fields(OfficerRow)} - {"line"}


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Excel stores RT 3 and phone 81234… as numbers: show them as typed.
        value = int(value)
    return " ".join(str(value).split())


def _table_rows(upload) -> list[list[str]]:
    name = (upload.name or "").lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        table = _xlsx_rows(data)
    elif name.endswith(".csv") or name.endswith(".txt"):
        table = _csv_rows(data)
    else:
        raise ValidationError(_("Berkas harus berformat .csv atau .xlsx (Excel)."), code="format")
    if len(table) > MAX_RAW_ROWS:
        raise _too_many_rows()
    return table


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    workbook = None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # Bounded, so a small file that unpacks into millions of cells cannot exhaust memory.
        rows = itertools.islice(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), MAX_RAW_ROWS + 1)
        return [[_cell_text(value) for value in row] for row in rows]
    except Exception as exc:  # openpyxl raises many types for a damaged or mislabelled file
        raise ValidationError(
            _("Berkas Excel tidak dapat dibaca. Simpan ulang sebagai .xlsx atau .csv, lalu unggah lagi."),
            code="unreadable",
        ) from exc
    finally:
        if workbook is not None:
            workbook.close()


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Excel saves CSV in the Windows code page.
        text = data.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    # Excel with Indonesian regional settings separates with semicolons.
    delimiter = max(",;\t", key=first_line.count)
    rows = itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), MAX_RAW_ROWS + 1)
    try:
        return [[_cell_text(value) for value in row[:MAX_COLUMNS]] for row in rows]
    except csv.Error as exc:
        raise ValidationError(
            _("Berkas CSV tidak dapat dibaca (%(error)s). Simpan ulang dari Excel sebagai CSV, lalu unggah lagi.")
            % {"error": exc},
            code="unreadable",
        ) from exc


def _too_many_rows() -> ValidationError:
    return ValidationError(
        _("Berkas berisi lebih dari %(max)s baris; bagi menjadi beberapa berkas lalu unggah satu per satu.")
        % {"max": f"{MAX_ROWS:,}".replace(",", ".")},
        code="rows",
    )


def officer_rows_read(upload) -> list[OfficerRow]:
    """Every non-blank data row of an uploaded officer sheet, in order."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("Berkas terlalu besar: maksimal 5 MB. Bagi menjadi beberapa berkas."), code="size")
    table = _table_rows(upload)
    header_index = next((i for i, row in enumerate(table) if any(row)), None)
    if header_index is None:
        raise ValidationError(_("Berkas kosong. Isi baris pertama dengan judul kolom dan baris berikutnya dengan data."), code="empty")
    columns = [_HEADER_KEYS.get(name_key(title)) for title in table[header_index]]
    if "name" not in columns:
        raise ValidationError(
            _("Kolom Nama tidak ditemukan di baris judul. Gunakan judul kolom: %(headers)s.")
            % {"headers": ", ".join(TEMPLATE_HEADERS)},
            code="headers",
        )
    rows = []
    for offset, cells in enumerate(table[header_index + 1 :], start=header_index + 2):
        if not any(cells):
            continue
        values = {}
        for column, value in zip(columns, cells, strict=False):
            # The first column of a name wins, so a stray duplicate header cannot blank it.
            if column in _ROW_FIELDS and not values.get(column):
                values[column] = value
        rows.append(OfficerRow(line=offset, **values))
    if not rows:
        raise ValidationError(_("Berkas tidak berisi data di bawah baris judul."), code="empty")
    if len(rows) > MAX_ROWS:
        raise _too_many_rows()
    return rows


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    """A UTF-8 CSV with a byte-order mark, so Excel shows Indonesian names correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()
