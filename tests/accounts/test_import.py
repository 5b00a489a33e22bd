"""Importing officers from a spreadsheet: every row created or refused with a reason, codes out once."""

import base64
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from geliat.accounts import services
from geliat.accounts.models import User
from geliat.accounts.spreadsheet import officer_rows_read
from geliat.audit.models import AuditEvent
from geliat.wilayah.models import Region
from tests.accounts.conftest import DAWUHANSENGON, GERBO, NGADIREJO
from tests.factories import UserFactory

IMPORT = reverse("accounts:user_import")
HEADER = ["Nama", "No HP", "Tingkat", "Kecamatan", "Desa", "Dusun", "RW", "RT", "Username"]


def _csv(rows, header=HEADER, delimiter=",") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("petugas.csv", out.getvalue().encode("utf-8-sig"), content_type="text/csv")


def _xlsx(rows, header=HEADER) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("petugas.xlsx", out.getvalue())


def _upload(client, upload):
    return client.post(IMPORT, {"file": upload})


def _download(response) -> list[dict]:
    """The CSV offered on the result page, as dicts by header."""
    data = response.context["download"].split(",", 1)[1]
    text = base64.b64decode(data).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


MIXED_ROWS = [
    ["Siti Aminah", "0812-3456-7890", "RT", "Purwodadi", "Gerbo", "", "1", "3", ""],          # 2 good
    ["Ahmad Fauzi", "", "RW", "", "Gerbo", "Krajan", "2", "", "ahmad.rw02"],                   # 3 good, dusun by name
    ["Joko", "", "RT", "Purwodadi", "Gerbo Lor", "", "1", "4", ""],                            # 4 unknown desa
    ["", "0813", "RT", "Purwodadi", "Gerbo", "", "1", "5", ""],                                # 5 no name
    ["Dewi", "", "RT", "Purwodadi", "Gerbo", "", "1", "6", "ahmad.rw02"],                      # 6 username taken above
    ["Rudi", "", "RT", "Tutur", "Ngadirejo", "", "1", "1", ""],                                # 7 outside kecamatan
    ["Sari", "", "Kecamatan", "Purwodadi", "", "", "", "", ""],                                # 8 own level
    ["Wati", "0812-BUNGA", "RT", "Purwodadi", "Dawuhansengon", "", "3", "1", ""],              # 9 bad phone
    ["Tono", "", "Ketua Kampung", "Purwodadi", "Gerbo", "", "1", "7", ""],                     # 10 unknown level
    ["Siti Aminah", "", "", "Purwodadi", "Dawuhansengon", "", "1", "2", ""],                   # 11 good, level inferred
]


@pytest.fixture
def mixed_result(client, kecamatan_admin):
    client.force_login(kecamatan_admin)
    return _upload(client, _csv(MIXED_ROWS))


def test_every_row_is_reported_created_or_refused(mixed_result):
    outcomes = mixed_result.context["outcomes"]
    assert [o.row.line for o in outcomes] == list(range(2, 12))
    assert [o.created for o in outcomes] == [True, True, False, False, False, False, False, False, False, True]
    assert mixed_result.context["created"] == 3 and mixed_result.context["rejected"] == 7
    assert "3 akun dibuat, 7 baris ditolak" in mixed_result.content.decode()


def test_refusals_say_why_in_indonesian(mixed_result):
    reasons = {o.row.line: o.reason for o in mixed_result.context["outcomes"] if not o.created}
    assert "Gerbo Lor" in reasons[4] and "tidak ditemukan" in reasons[4]
    assert "Nama kosong" in reasons[5]
    assert "ahmad.rw02" in reasons[6] and "sudah dipakai" in reasons[6]
    assert "di luar wilayah Anda" in reasons[7]
    assert "tingkat di bawah" in reasons[8]
    assert "No. HP/WA" in reasons[9]
    assert "Tingkat \"Ketua Kampung\" tidak dikenal" in reasons[10]
    content = mixed_result.content.decode()
    for reason in reasons.values():
        assert reason.replace('"', "&quot;") in content


def test_created_rows_are_accounts_at_the_named_nodes(mixed_result, kecamatan_admin):
    created = [o.user for o in mixed_result.context["outcomes"] if o.created]
    siti, ahmad, siti2 = created
    assert siti.region_id == GERBO + ".RW001.RT003"
    assert siti.phone == "+6281234567890"
    assert ahmad.region.level == "rw" and ahmad.region.parent.name == "Krajan"
    assert ahmad.username == "ahmad.rw02"
    assert siti2.region_id == DAWUHANSENGON + ".RW001.RT002"
    # Same name, different people: generated usernames stay unique and readable.
    assert (siti.username, siti2.username) == ("siti.aminah", "siti.aminah2")
    assert all(u.created_by == kecamatan_admin and u.role == "officer" for u in created)


def test_refused_rows_leave_nothing_behind(mixed_result):
    """A refused row rolls back alone: no account, and no RT/RW it would have added."""
    assert not User.objects.filter(full_name__in=["Joko", "Dewi", "Rudi", "Sari", "Wati", "Tono"]).exists()
    assert not Region.objects.filter(code__startswith=NGADIREJO + ".").exists()
    assert not Region.objects.filter(code__startswith=GERBO + ".RW001.RT006").exists()


def test_each_imported_account_activates_with_its_own_code(mixed_result, client):
    client.logout()
    for outcome in (o for o in mixed_result.context["outcomes"] if o.created):
        response = client.post(reverse("accounts:activate"), {
            "username": outcome.user.username, "code": outcome.code,
            "new_password1": "Sandi-petugas-2026", "new_password2": "Sandi-petugas-2026",
        })
        assert response.status_code == 302, outcome.user.username
        assert User.objects.get(pk=outcome.user.pk).check_password("Sandi-petugas-2026")


def test_download_lists_every_row_with_codes(mixed_result):
    rows = _download(mixed_result)
    assert [row["Baris"] for row in rows] == [str(n) for n in range(2, 12)]
    by_line = {row["Baris"]: row for row in rows}
    first = next(o for o in mixed_result.context["outcomes"] if o.created)
    assert by_line["2"]["Status"] == "dibuat"
    assert by_line["2"]["Kode aktivasi"] == first.code
    assert by_line["2"]["Nama pengguna"] == "siti.aminah"
    assert by_line["4"]["Status"] == "ditolak" and "tidak ditemukan" in by_line["4"]["Keterangan"]
    assert by_line["4"]["Kode aktivasi"] == ""
    assert "no-store" in mixed_result["Cache-Control"]


def test_import_is_audited_per_account_and_as_a_whole(mixed_result, kecamatan_admin):
    assert AuditEvent.objects.filter(action="create", object_type="accounts.user", actor=kecamatan_admin).count() == 3
    summary = AuditEvent.objects.get(action="account", note__contains="Impor")
    assert summary.after == {"rows": 10, "created": 3, "rejected": 7}


def test_xlsx_with_loose_headers_and_numeric_cells(client, desa_admin):
    """Excel stores phones and numbers as numbers; headers may differ in case and punctuation.
    A desa admin may leave Kecamatan and Desa out: their own desa is meant."""
    client.force_login(desa_admin)
    header = ["NAMA LENGKAP", "No. HP/WA", "tingkat", "RW", "RT", "Keterangan lain"]
    response = _upload(client, _xlsx([["Budi Santoso", 81234567890, "rt", 2, 7.0, "abc"]], header=header))
    outcome = response.context["outcomes"][0]
    assert outcome.created, outcome.reason
    assert outcome.user.phone == "+6281234567890"
    assert outcome.user.region_id == GERBO + ".RW002.RT007"


def test_semicolon_csv_from_indonesian_excel(client, desa_admin):
    client.force_login(desa_admin)
    response = _upload(client, _csv([["Budi", "", "RW", "", "", "", "4", "", ""]], delimiter=";"))
    assert response.context["outcomes"][0].user.region_id == GERBO + ".RW004"


def test_blank_rows_are_skipped_but_line_numbers_kept(client, desa_admin):
    client.force_login(desa_admin)
    rows = [["Budi", "", "RT", "", "", "", "1", "1", ""], [""] * 9, ["Ani", "", "RT", "", "", "", "1", "2", ""]]
    outcomes = _upload(client, _csv(rows)).context["outcomes"]
    assert [(o.row.line, o.created) for o in outcomes] == [(2, True), (4, True)]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("petugas.pdf", b"%PDF", "harus berformat .csv atau .xlsx"),
        ("petugas.csv", b"Orang,HP\nBudi,0812\n", "Kolom Nama tidak ditemukan"),
        ("petugas.csv", b"Nama,No HP\n", "tidak berisi data"),
        ("petugas.xlsx", b"bukan excel", "Berkas Excel tidak dapat dibaca"),
    ],
)
def test_unusable_files_are_refused_whole(client, desa_admin, name, content, message):
    client.force_login(desa_admin)
    response = _upload(client, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "outcomes" not in response.context


def test_non_manager_cannot_import(client, regions):
    client.force_login(UserFactory.at(GERBO))
    assert _upload(client, _csv(MIXED_ROWS)).status_code == 403


def test_template_download_reads_back(client, desa_admin):
    """The offered example file uses the headers the importer reads."""
    client.force_login(desa_admin)
    response = client.get(reverse("accounts:import_template"))
    upload = SimpleUploadedFile("contoh.csv", response.content)
    rows = officer_rows_read(upload)
    assert [(r.name, r.level, r.desa, r.rw, r.rt) for r in rows] == [
        ("Siti Aminah", "RT", "Gerbo", "1", "3"), ("Ahmad Fauzi", "RW", "Gerbo", "2", ""),
    ]


def test_desa_admin_rows_for_another_desa_are_refused(desa_admin):
    rows = officer_rows_read(_csv([["Rina", "", "RT", "Purwodadi", "Dawuhansengon", "", "1", "1", ""]]))
    [outcome] = services.officers_import(actor=desa_admin, rows=rows)
    assert not outcome.created
    assert outcome.reason.startswith(
        "RT 001, RW 001, Desa Dawuhansengon, Kecamatan Purwodadi berada di luar wilayah Anda "
        "(Desa Gerbo, Kecamatan Purwodadi)"
    )


def test_blank_desa_is_the_admins_own_only_inside_the_named_kecamatan(desa_admin):
    """A desa admin naming another kecamatan but no desa is asked for the desa, not given their own."""
    rows = officer_rows_read(_csv([["Rina", "", "RT", "Tutur", "", "", "1", "1", ""]]))
    [outcome] = services.officers_import(actor=desa_admin, rows=rows)
    assert not outcome.created
    assert "Kolom Desa/Kelurahan kosong" in outcome.reason
