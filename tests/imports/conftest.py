"""Helpers that write the files imports are tested on: CSV in the encodings and with the
delimiters offices produce, XLSX with number and date cells as Excel stores them, and
KoboToolbox/ODK-style exports. Shared by every import test (reader, engine, pages).

Rows are lists of cell values: ``str`` for text cells; in XLSX, ``int``/``float`` become
number cells and ``datetime.date`` date cells (what Excel makes of a NIK, phone or
amount typed into a cell formatted as a number, or of a date it recognised).
"""

import csv
import datetime
import io
from collections.abc import Sequence
from pathlib import Path

import pytest

from geliat.registry.nik import nik_make

# The headers an office list typically has, in Indonesian.
OFFICE_HEADERS = [
    "No", "NIK", "Nama Lengkap", "Jenis Kelamin", "Tempat Lahir", "Tanggal Lahir", "Alamat", "RT", "RW",
    "Desa/Kelurahan", "Kecamatan", "No. HP/WA", "Nama Usaha", "Jenis Usaha", "Omzet per bulan sebelum pandemi",
    "Omzet per bulan sekarang",
]
# The same columns as a KoboToolbox "XML values and headers" export with groups.
KOBO_HEADERS = [
    "start", "end", "grp_identitas/nik", "grp_identitas/nama_lengkap", "grp_identitas/jenis_kelamin",
    "grp_identitas/tempat_lahir", "grp_identitas/tanggal_lahir", "grp_alamat/alamat", "grp_alamat/rt",
    "grp_alamat/rw", "grp_alamat/desa", "grp_alamat/kecamatan", "grp_identitas/no_hp", "grp_usaha/nama",
    "grp_usaha/jenis_usaha", "grp_usaha/omzet_sebelum", "grp_usaha/omzet_sekarang", "meta/instanceID",
    "formhub/uuid", "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
    "_submitted_by", "__version__", "_tags", "_index",
]
# ODK Central's CSV export: groups joined with "-".
ODK_HEADERS = [
    "SubmissionDate", "data-nik", "data-nama_lengkap", "data-jenis_kelamin", "data-alamat", "data-desa",
    "data-kecamatan", "data-nama_usaha", "data-jenis_usaha", "meta-instanceID", "KEY", "SubmitterID",
    "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits",
    "FormVersion",
]


def valid_nik(serial: int = 1, *, kecamatan: str = "35.14.01", born: datetime.date = datetime.date(1980, 8, 17),
              sex: str = "L") -> str:
    """A valid NIK of Kabupaten Pasuruan; ``serial`` (1–9999) makes it unique."""
    return nik_make(kecamatan_code=kecamatan, birth_date=born, sex=sex, serial=serial)


def office_row(serial: int = 1, **overrides) -> list:
    """One row under ``OFFICE_HEADERS`` that imports cleanly into Desa Gerbo, Purwodadi."""
    values = {
        "No": str(serial),
        "NIK": valid_nik(serial),
        "Nama Lengkap": f"Budi Santoso {serial}",
        "Jenis Kelamin": "Laki-laki",
        "Tempat Lahir": "Pasuruan",
        "Tanggal Lahir": "17/08/1980",
        "Alamat": "Jl. Raya Gerbo No. 5",
        "RT": "003",
        "RW": "001",
        "Desa/Kelurahan": "Gerbo",
        "Kecamatan": "Purwodadi",
        "No. HP/WA": "0812-3456-7890",
        "Nama Usaha": f"Warung Bu Sri {serial}",
        "Jenis Usaha": "Warung makan",
        "Omzet per bulan sebelum pandemi": "3.000.000",
        "Omzet per bulan sekarang": "750rb",
    }
    unknown = set(overrides) - set(values)
    if unknown:
        raise KeyError(f"not an office column: {sorted(unknown)}")
    values.update(overrides)
    return [values[header] for header in OFFICE_HEADERS]


def csv_bytes(headers: Sequence, rows: Sequence[Sequence], *, encoding: str = "utf-8", delimiter: str = ",",
              sep_line: bool = False) -> bytes:
    """A CSV file's bytes: ``encoding`` "utf-8", "utf-8-sig" (BOM, as Excel saves
    "CSV UTF-8"), "cp1252" (older Excel) or "utf-16"; ``sep_line`` adds Excel's ``sep=X``."""
    out = io.StringIO(newline="")
    if sep_line:
        out.write(f"sep={delimiter}\r\n")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([["" if cell is None else str(cell) for cell in row] for row in rows])
    return out.getvalue().encode(encoding)


def xlsx_bytes(headers: Sequence, rows: Sequence[Sequence], *, title_rows: Sequence[str] = (),
               text_columns: Sequence[int] = ()) -> bytes:
    """An XLSX file's bytes. ``int``/``float`` cells are number cells, ``date``/``datetime``
    cells date cells (formatted dd/mm/yyyy as an Indonesian office would); ``title_rows``
    go above the header; ``text_columns`` (indexes) get Excel's Text format "@"."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    for title in title_rows:
        sheet.append([title])
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
            elif cell.column - 1 in text_columns:
                cell.number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_file(directory: Path, name: str, data: bytes) -> Path:
    path = Path(directory) / name
    path.write_bytes(data)
    return path


@pytest.fixture
def office_csv(tmp_path):
    """Write an office CSV: ``office_csv(rows, name=…, **csv_bytes options)`` → path."""

    def make(rows: Sequence[Sequence], *, name: str = "daftar.csv", headers: Sequence = OFFICE_HEADERS, **options):
        return write_file(tmp_path, name, csv_bytes(headers, rows, **options))

    return make


@pytest.fixture
def office_xlsx(tmp_path):
    """Write an office XLSX: ``office_xlsx(rows, name=…, **xlsx_bytes options)`` → path."""

    def make(rows: Sequence[Sequence], *, name: str = "daftar.xlsx", headers: Sequence = OFFICE_HEADERS, **options):
        return write_file(tmp_path, name, xlsx_bytes(headers, rows, **options))

    return make
