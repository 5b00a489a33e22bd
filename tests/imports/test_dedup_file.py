"""``geliat dedup-file``: an officer's own spreadsheet in, one cluster per person out."""

import csv

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from geliat.dedup.synthetic import generate

HEADERS = {"id": "ID", "nik": "No. KTP", "name": "Nama Lengkap", "sex": "L/P", "birth_date": "Tgl Lahir",
           "address": "Alamat", "rt": "RT", "rw": "RW", "village": "Desa/Kel", "district": "Kecamatan", "phone": "No HP"}


def _write_csv(path, rows, headers):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)


def _read(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def listing(tmp_path):
    """A synthetic list with the importer's usual Indonesian headers, and its truth."""
    frame = generate(600, seed=9)
    path = tmp_path / "daftar.csv"
    _write_csv(path, frame[list(HEADERS)].fillna("").values.tolist(), list(HEADERS.values()))
    return path, frame


def test_every_row_gets_its_cluster(listing, tmp_path):
    """OUT has one row per input row, in order, with id, cluster_id and match_probability;
    rows of one person share a cluster, rows alone have probability 0."""
    path, frame = listing
    out = tmp_path / "hasil.csv"
    call_command("dedup_file", str(path), "--out", str(out), verbosity=0)
    rows = _read(out)
    assert list(rows[0]) == ["id", "cluster_id", "match_probability"]
    assert [row["id"] for row in rows] == frame["id"].tolist()
    cluster = {row["id"]: row["cluster_id"] for row in rows}
    same_person = frame.groupby("entity_id")["id"].apply(list)
    kept_together = sum(len({cluster[i] for i in ids}) == 1 for ids in same_person if len(ids) > 1)
    assert kept_together / sum(len(ids) > 1 for ids in same_person) > 0.95
    alone = {row["cluster_id"] for row in rows}
    sizes = {c: sum(1 for row in rows if row["cluster_id"] == c) for c in alone}
    for row in rows:
        probability = float(row["match_probability"])
        assert (probability == 0) == (sizes[row["cluster_id"]] == 1)


def test_missing_columns_are_refused_with_what_was_found(tmp_path):
    """A file without a name column, or without NIK and birth date, is refused with the
    columns found and the columns needed, in Indonesian."""
    path = tmp_path / "kurang.csv"
    _write_csv(path, [["Sumiati", "Jl. Mawar 1"]], ["Nama Lengkap", "Alamat"])
    with pytest.raises(CommandError) as error:
        call_command("dedup_file", str(path), "--out", str(tmp_path / "hasil.csv"), verbosity=0)
    message = str(error.value)
    assert "“Nama Lengkap”" in message and "“Alamat”" in message
    assert "NIK" in message and "Tanggal lahir" in message
    assert not (tmp_path / "hasil.csv").exists()


def test_garbage_cells_do_not_stop_the_run(tmp_path):
    """Unreadable NIKs, impossible dates, letters in RT and empty rows only lower the evidence."""
    path = tmp_path / "kotor.csv"
    rows = [
        ["1", "3.51401E+15", "Moch. Sholeh", "L", "31/02/1985", "", "abc", "", "Gerbo", "", "08123"],
        ["2", "3514011203850003", "MUHAMMAD SHOLEH", "laki-laki", "12-03-1985", "Jl. Masjid 3", "3", "1", "Gerbo", "Purwodadi", "081234567890"],
        ["3", "3514011203850003", "Muhammad Sholeh", "L", "1985-03-12", "JL MASJID 3", "03", "01", "Ds. Gerbo", "", "0812-3456-7890"],
        ["4", "", "", "", "", "", "", "", "", "", ""],
        ["5", "12345", "???", "x", "kemarin", "-", "-", "-", "-", "-", "-"],
    ]
    _write_csv(path, rows, list(HEADERS.values()))
    out = tmp_path / "hasil.csv"
    call_command("dedup_file", str(path), "--out", str(out), verbosity=0)
    result = {row["id"]: row for row in _read(out)}
    assert set(result) == {"1", "2", "3", "4", "5"}
    assert result["2"]["cluster_id"] == result["3"]["cluster_id"]
    assert result["5"]["cluster_id"] == "5"


def test_without_an_id_column_line_numbers_are_ids(tmp_path):
    """When the file has no id column, each row is named by its line in the spreadsheet."""
    path = tmp_path / "tanpa-id.csv"
    _write_csv(path, [["3514011203850003", "Moch. Sholeh", "1985-03-12"],
                      ["3514011203850003", "Muhammad Sholeh", "12/03/1985"]], ["NIK", "Nama", "Tanggal Lahir"])
    out = tmp_path / "hasil.csv"
    call_command("dedup_file", str(path), "--out", str(out), verbosity=0)
    rows = _read(out)
    assert [row["id"] for row in rows] == ["2", "3"]
    assert rows[0]["cluster_id"] == rows[1]["cluster_id"]


def test_xlsx_is_read_too(tmp_path):
    """An Excel workbook works like a CSV, NIKs in number cells included."""
    book = Workbook()
    sheet = book.active
    sheet.append(["No", "NIK", "Nama", "Tgl Lahir", "Desa"])
    sheet.append([1, 3514011203850003, "Moch. Sholeh", "1985-03-12", "Gerbo"])
    sheet.append([2, "3514011203850003", "MUHAMMAD SHOLEH", "12-03-1985", "GERBO"])
    sheet.append([3, "3514015507880002", "Siti Aminah", "15-07-1988", "Gerbo"])
    path = tmp_path / "daftar.xlsx"
    book.save(path)
    out = tmp_path / "hasil.csv"
    call_command("dedup_file", str(path), "--out", str(out), verbosity=0)
    rows = {row["id"]: row["cluster_id"] for row in _read(out)}
    assert rows["1"] == rows["2"] != rows["3"]


def test_repeated_ids_are_refused(tmp_path):
    """Two rows with one id cannot be told apart in the result: the file is refused, saying which."""
    path = tmp_path / "ganda.csv"
    _write_csv(path, [["7", "3514011203850003", "Sholeh", "1985-03-12"], ["7", "", "Aminah", "1988-07-15"]],
               ["ID", "NIK", "Nama", "Tgl Lahir"])
    with pytest.raises(CommandError, match="7"):
        call_command("dedup_file", str(path), "--out", str(tmp_path / "hasil.csv"), verbosity=0)


@pytest.mark.parametrize("threshold", ["2", "0", "abc"])
def test_threshold_must_be_a_probability(listing, tmp_path, threshold):
    """--threshold outside (0, 1] or not a number is refused with the fix."""
    path, _frame = listing
    with pytest.raises(CommandError, match="threshold"):
        call_command("dedup_file", str(path), "--out", str(tmp_path / "hasil.csv"), "--threshold", threshold)


def test_missing_input_file_is_reported(tmp_path):
    """A path that does not exist is named in the error."""
    with pytest.raises(CommandError, match="tidak-ada.csv"):
        call_command("dedup_file", str(tmp_path / "tidak-ada.csv"), "--out", str(tmp_path / "hasil.csv"))
