"""Lists are read as the office saved them: any of the usual encodings and delimiters,
CSV or XLSX, with cells as the user sees them, a row at a time."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from geliat.imports.readers import TableError, open_table
from tests.imports.conftest import (
    KOBO_HEADERS,
    OFFICE_HEADERS,
    csv_bytes,
    office_row,
    valid_nik,
    write_file,
    xlsx_bytes,
)

ACCENTED = ["3514011708800001", "Andréa Jum’at", "Jl. “Mawar” No. 5 — belakang masjid"]
HEADERS = ["NIK", "Nama", "Alamat"]


def read(path, name=None):
    with open_table(path, name=name or path.name) as table:
        return table, list(table.rows())


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("utf-16", "utf-16")],
)
def test_csv_encodings_are_detected(tmp_path, encoding, reported):
    """UTF-8, UTF-8 with BOM (Excel's "CSV UTF-8"), Windows-1252 (older Excel) and UTF-16
    all give back the same letters, including é and the curly apostrophe."""
    path = write_file(tmp_path, "daftar.csv", csv_bytes(HEADERS, [ACCENTED], encoding=encoding))
    table, rows = read(path)
    assert table.format == "csv"
    assert table.encoding == reported
    assert table.headers == HEADERS  # no BOM left in the first header
    assert rows == [ACCENTED]


def test_a_stray_windows_byte_late_in_a_utf8_file_does_not_stop_the_import(tmp_path):
    """A UTF-8 file with one Windows-1252 character far down (pasted from an old sheet)
    reads whole; the odd character is taken as Windows-1252."""
    rows = [[valid_nik(n), f"Warga {n}", "Jl. Ré"] for n in range(1, 3001)]
    data = csv_bytes(HEADERS, rows).replace(b"Warga 2999", "Warga Jum’at".encode("cp1252"))
    assert len(data) > 100_000
    table, read_rows = read(write_file(tmp_path, "daftar.csv", data))
    assert table.encoding == "utf-8"
    assert len(read_rows) == 3000
    assert read_rows[0][2] == "Jl. Ré"
    assert read_rows[2998][1] == "Warga Jum’at"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiters_are_sniffed(tmp_path, delimiter):
    rows = [office_row(1), office_row(2, **{"Alamat": "Jl. Raya, Gg. 3; belakang pasar"})]
    path = write_file(tmp_path, "daftar.csv", csv_bytes(OFFICE_HEADERS, rows, delimiter=delimiter))
    table, read_rows = read(path)
    assert table.delimiter == delimiter
    assert table.headers == OFFICE_HEADERS
    assert read_rows == rows


def test_excels_sep_line_names_the_delimiter(tmp_path):
    path = write_file(tmp_path, "daftar.csv", csv_bytes(HEADERS, [ACCENTED], delimiter=";", sep_line=True))
    table, rows = read(path)
    assert (table.delimiter, table.headers, rows) == (";", HEADERS, [ACCENTED])
    assert table.header_line == 2


def test_quoted_cells_keep_delimiters_and_line_breaks(tmp_path):
    data = b'NIK,Nama,Alamat\r\n3514011708800001,"Sri, S.Pd","Jl. Mawar\nRT 3"\r\n'
    _table, rows = read(write_file(tmp_path, "daftar.csv", data))
    assert rows == [["3514011708800001", "Sri, S.Pd", "Jl. Mawar\nRT 3"]]


def test_cells_are_trimmed_and_rows_fit_the_header(tmp_path):
    """Short rows are padded and extra cells dropped, so a cell is always at its header's index."""
    data = b"NIK,Nama,Alamat,,\r\n  3514011708800001 ,Budi\r\n3514011708800002,Sri,Jl. A,x,y\r\n"
    table, rows = read(write_file(tmp_path, "daftar.csv", data))
    assert table.headers == HEADERS
    assert rows == [["3514011708800001", "Budi", ""], ["3514011708800002", "Sri", "Jl. A"]]


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_title_lines_blank_lines_and_a_column_numbering_line_are_skipped(tmp_path, delimiter):
    """A title above the header and the ``1 2 3`` line government forms put below it are
    not data; row numbers still count every line after the header, so row N is line
    header_line + N of the sheet."""
    data = csv_bytes(
        HEADERS,
        [["1", "2", "3"], ACCENTED, ["", "", ""], ["3514011708800002", "Sri", "Jl. B"]],
        delimiter=delimiter,
    )
    data = b"DAFTAR UMKM TERDAMPAK\r\nKecamatan Purwodadi\r\n\r\n" + data
    table, rows = read(write_file(tmp_path, "daftar.csv", data))
    assert table.delimiter == delimiter
    assert table.headers == HEADERS
    assert table.header_line == 4
    assert rows == [ACCENTED, ["3514011708800002", "Sri", "Jl. B"]]
    assert [row.number for row in rows] == [2, 4]


@pytest.mark.parametrize(("name", "make"), [("daftar.csv", csv_bytes), ("daftar.xlsx", xlsx_bytes)])
def test_rows_can_be_read_again(tmp_path, name, make):
    """The mapping page previews rows, then the import reads them all."""
    path = write_file(tmp_path, name, make(HEADERS, [ACCENTED]))
    with open_table(path, name=name) as table:
        first = next(iter(table.rows()))
        assert list(table.rows()) == [first] == [ACCENTED]


def test_an_upload_is_read_from_its_file_object_and_left_open():
    upload = SimpleUploadedFile("Daftar UMKM.CSV", csv_bytes(HEADERS, [ACCENTED], encoding="cp1252"))
    with open_table(upload, name=upload.name) as table:
        assert list(table.rows()) == [ACCENTED]
    assert not upload.closed
    upload.seek(0)
    assert upload.read(3) == b"NIK"


class CountingFile(io.BytesIO):
    """Remembers how far the reader has read."""

    furthest = 0

    def read(self, size=-1):
        data = super().read(size)
        self.furthest = max(self.furthest, self.tell())
        return data


def test_csv_is_read_incrementally():
    """The first row is available before the file has been read to the end."""
    data = csv_bytes(HEADERS, [[valid_nik(n % 9000 + 1), f"Warga {n}", "Jl. Mawar"] for n in range(50_000)])
    source = CountingFile(data)
    table = open_table(source, name="besar.csv")
    first = next(iter(table.rows()))
    assert first[1] == "Warga 0"
    assert source.furthest < len(data) / 4
    table.close()


# XLSX -----------------------------------------------------------------------------


def test_xlsx_number_cells_come_out_as_digits_and_are_flagged(tmp_path):
    """A NIK, phone or amount typed into a number cell reads as its digits, without
    ``.0`` or ``E+15``, and the row says which cells were numbers. A NIK's 16th digit
    already lost by Excel stays visible as the 0 it became."""
    headers = ["NIK", "Nama", "No HP", "Omzet", "Modal", "RT"]
    rows = [
        [3514011708800010, "Budi", 81234567890, 1500000, 2500000.5, 3],
        [3514011708800010.0, "Sri", "0812-3456-7890", "1.500.000", 0.1 + 0.2, "003"],
    ]
    table, read_rows = read(write_file(tmp_path, "daftar.xlsx", xlsx_bytes(headers, rows)))
    assert table.format == "xlsx"
    assert table.headers == headers
    assert read_rows == [
        ["3514011708800010", "Budi", "81234567890", "1500000", "2500000.5", "3"],
        ["3514011708800010", "Sri", "0812-3456-7890", "1.500.000", "0.3", "003"],
    ]
    assert read_rows[0].numeric == {0, 2, 3, 4, 5}
    assert read_rows[1].numeric == {0, 4}


def test_xlsx_date_cells_come_out_as_iso_dates(tmp_path):
    rows = [
        [datetime.date(1980, 8, 17), datetime.datetime(1975, 1, 5, 0, 0), datetime.datetime(2024, 3, 1, 14, 30)],
        ["17/08/1980", "", None],
    ]
    _table, read_rows = read(write_file(tmp_path, "daftar.xlsx", xlsx_bytes(["Tgl Lahir", "Tgl Daftar", "Waktu"], rows)))
    assert read_rows == [["1980-08-17", "1975-01-05", "2024-03-01 14:30:00"], ["17/08/1980", "", ""]]
    assert read_rows[0].numeric == set()


def test_xlsx_title_rows_above_the_header_are_skipped(tmp_path):
    data = xlsx_bytes(OFFICE_HEADERS, [office_row(1)], title_rows=["DAFTAR UMKM TERDAMPAK COVID-19", ""])
    table, rows = read(write_file(tmp_path, "daftar.xlsx", data))
    assert table.headers == OFFICE_HEADERS
    assert table.header_line == 3
    assert rows == [office_row(1)]
    assert rows[0].number == 1


def test_xlsx_text_cells_keep_leading_zeros(tmp_path):
    data = xlsx_bytes(["NIK", "No HP"], [["3514011708800010", "081234567890"]], text_columns=[0, 1])
    _table, rows = read(write_file(tmp_path, "daftar.xlsx", data))
    assert rows == [["3514011708800010", "081234567890"]]
    assert rows[0].numeric == set()


def test_kobo_xlsx_export_reads_with_its_group_headers(tmp_path):
    row = ["2024-01-02T08:00:00.000+07:00", "", valid_nik(1), "Sri Wahyuni"] + [""] * (len(KOBO_HEADERS) - 4)
    table, rows = read(write_file(tmp_path, "kobo.xlsx", xlsx_bytes(KOBO_HEADERS, [row])))
    assert table.headers == KOBO_HEADERS
    assert rows[0][2:4] == [valid_nik(1), "Sri Wahyuni"]


# Files that cannot be read ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("daftar.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xlsx"),
        ("daftar.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xlsx"),
        ("daftar.xlsx", b"this is not a workbook", ".xlsx"),
        ("daftar.xlsx", b"PK\x03\x04 broken zip", "tidak dapat dibaca"),
        ("daftar.csv", b"", "kosong"),
        ("daftar.csv", b"\r\n\r\n,,,\r\n", "kosong"),
        ("daftar.pdf", b"%PDF-1.4", ".csv"),
    ],
)
def test_unreadable_files_are_refused_with_what_to_do(tmp_path, name, data, says):
    with pytest.raises(TableError) as raised:
        open_table(write_file(tmp_path, name, data), name=name)
    assert says in raised.value.messages[0]


def test_a_workbook_named_csv_is_refused(tmp_path):
    data = xlsx_bytes(HEADERS, [ACCENTED])
    with pytest.raises(TableError, match="bukan CSV"):
        open_table(write_file(tmp_path, "daftar.csv", data), name="daftar.csv")
