"""Reading officer sheets: headers as people type them, usernames generated from names."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geliat.accounts.services import USERNAME_RE, username_suggest
from geliat.accounts.spreadsheet import officer_rows_read
from tests.factories import UserFactory


def _read(text: str):
    return officer_rows_read(SimpleUploadedFile("x.csv", text.encode()))


def _variant(draw, title: str) -> str:
    """``title`` with random case, and random spaces/dots/underscores between its words."""
    words = title.split()
    cased = ["".join(c.upper() if draw(st.booleans()) else c.lower() for c in w) for w in words]
    glue = st.sampled_from([" ", "  ", ". ", "_", ".", ""])
    return "".join(w + (draw(glue) if i < len(cased) - 1 else "") for i, w in enumerate(cased))


@settings(max_examples=60)
@given(st.data())
def test_header_case_and_spacing_do_not_matter(data):
    titles = {"name": "Nama", "phone": "No HP", "desa": "Desa", "rt": "RT", "username": "Username"}
    headers = [_variant(data.draw, title) for title in titles.values()]
    row = _read(",".join(headers) + "\nSiti,0812,Gerbo,3,siti\n")[0]
    assert (row.name, row.phone, row.desa, row.rt, row.username) == ("Siti", "0812", "Gerbo", "3", "siti")


def test_header_synonyms():
    row = _read("Nama Lengkap;No. HP/WA;Desa/Kelurahan;Nomor RW;Nama Pengguna\nSiti;0812;Gerbo;2;siti\n")[0]
    assert (row.name, row.phone, row.desa, row.rw, row.username) == ("Siti", "0812", "Gerbo", "2", "siti")


def test_cells_are_trimmed_and_inner_spaces_collapsed():
    row = _read('Nama,Desa\n"  Siti   Aminah ", Gerbo \n')[0]
    assert (row.name, row.desa) == ("Siti Aminah", "Gerbo")


def test_windows_encoded_csv_is_read():
    row = officer_rows_read(SimpleUploadedFile("x.csv", "Nama\nJosé\n".encode("cp1252")))[0]
    assert row.name == "José"


def test_too_large_a_file_is_refused():
    upload = SimpleUploadedFile("x.csv", b"Nama\n" + b"a\n" * (3 * 1024 * 1024))
    with pytest.raises(ValidationError, match="terlalu besar"):
        officer_rows_read(upload)


def test_header_row_may_follow_blank_rows():
    rows = _read("\n,,\nNama,RT\nSiti,3\n")
    assert [(r.line, r.name, r.rt) for r in rows] == [(4, "Siti", "3")]


@pytest.mark.parametrize(
    ("name", "username"),
    [
        ("Budi Santoso", "budi.santoso"),
        ("H. Moch. Abdul Rochim, S.Pd", "moch.abdul"),
        ("Hj. Siti", "siti"),
        ("Ni Made Ayu Sri Wulandari", "ni.made"),
        ("Ö", "petugas.o"),
        ("★ —", "petugas"),
        ("Al", "petugas.al"),
    ],
)
def test_generated_usernames_are_readable(db, name, username):
    assert username_suggest(name) == username


def test_generated_username_skips_taken_ones(db):
    UserFactory(username="budi.santoso")
    UserFactory(username="budi.santoso2")
    assert username_suggest("Budi Santoso") == "budi.santoso3"


def test_very_common_names_still_get_a_free_username(db):
    for suffix in ["", *map(str, range(2, 12))]:
        UserFactory(username=f"siti{suffix}")
    assert username_suggest("Siti") == "siti12"


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=60))
def test_any_name_gives_a_valid_username(db, name):
    assert USERNAME_RE.fullmatch(username_suggest(name))


def test_xlsx_numbers_are_written_as_typed():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Nama", "No HP", "RT"])
    book.active.append(["Siti", 81234567890, 3.0])
    out = io.BytesIO()
    book.save(out)
    row = officer_rows_read(SimpleUploadedFile("x.xlsx", out.getvalue()))[0]
    assert (row.phone, row.rt) == ("81234567890", "3")
