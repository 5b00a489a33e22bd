"""``geliat import FILE`` as an administrator runs it."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from geliat.accounts.models import Role
from geliat.registry.models import Person
from tests.factories import UserFactory
from tests.imports.conftest import OFFICE_HEADERS, office_row

DAMAGED_NIK = "3.51401E+15"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def coordinator(regions):
    return UserFactory.at("35.14", role=Role.COORDINATOR, username="koordinator")


def run(*args) -> str:
    out = io.StringIO()
    call_command("import", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def test_prints_the_counts_and_where_the_report_is(coordinator, office_csv, tmp_path):
    path = office_csv([office_row(1), office_row(2), office_row(3, NIK=DAMAGED_NIK)])
    report = tmp_path / "laporan.csv"

    output = run(path, "--user", "koordinator", "--report", report)

    assert "Impor selesai: 3 baris dibaca — 2 diterima (2 baru" in output
    assert "1 ditolak" in output
    assert f"Laporan CSV: {report}" in output
    assert str(report.with_suffix(".xlsx")) in output
    with report.open(encoding="utf-8-sig", newline="") as handle:
        assert [line["status"] for line in csv.DictReader(handle)] == ["accepted", "accepted", "rejected"]
    assert report.with_suffix(".xlsx").exists()
    assert Person.objects.count() == 2


def test_dry_run_says_nothing_was_stored(coordinator, office_csv):
    output = run(office_csv([office_row(1)]), "--user", "koordinator", "--dry-run")

    assert "Uji coba selesai, tidak ada yang disimpan: 1 baris dibaca — 1 diterima (1 baru" in output
    assert not Person.objects.exists()


def test_a_mapping_file_names_columns_the_guess_would_miss(coordinator, office_csv, tmp_path):
    headers = ["KTP Pemilik", *OFFICE_HEADERS[2:]]
    rows = [office_row(1)[1:]]
    mapping = tmp_path / "peta.json"
    mapping.write_text(json.dumps({"KTP Pemilik": "nik"}), encoding="utf-8")

    output = run(office_csv(rows, headers=headers), "--user", "koordinator", "--mapping", mapping)

    assert "1 baru" in output
    assert Person.objects.count() == 1


def test_a_file_missing_required_columns_is_refused_with_what_was_found(coordinator, office_csv):
    headers = ["Nama Lengkap", "Alamat", "Desa"]
    path = office_csv([["Budi", "Jl. Raya 1", "Gerbo"]], headers=headers)

    with pytest.raises(CommandError) as refused:
        run(path, "--user", "koordinator")

    message = str(refused.value)
    assert "Belum ada kolom untuk NIK (wajib)" in message
    assert "Belum ada kolom untuk Nama usaha (wajib)" in message
    assert "Kolom di berkas: “Nama Lengkap”, “Alamat”, “Desa”." in message
    assert not Person.objects.exists()


def test_an_importer_must_be_named(coordinator, office_csv):
    with pytest.raises(CommandError, match="--user NAMA.*misalnya koordinator"):
        run(office_csv([office_row(1)]))


def test_an_account_that_may_not_import_is_refused(regions, office_csv):
    UserFactory.at("35.14", role=Role.AGENCY, username="opd")

    with pytest.raises(CommandError, match="Hanya petugas wilayah atau koordinator"):
        run(office_csv([office_row(1)]), "--user", "opd")


def test_unknown_account_and_missing_file_are_named(coordinator, tmp_path):
    with pytest.raises(CommandError, match="Akun siapa tidak ada"):
        run(tmp_path / "x.csv", "--user", "siapa")
    with pytest.raises(CommandError, match="tidak ditemukan"):
        run(tmp_path / "tidak-ada.csv", "--user", "koordinator")


def test_a_broken_mapping_file_is_explained(coordinator, office_csv, tmp_path):
    mapping = tmp_path / "peta.json"
    mapping.write_text("{nik: 1", encoding="utf-8")

    with pytest.raises(CommandError, match="bukan JSON yang sah"):
        run(office_csv([office_row(1)]), "--user", "koordinator", "--mapping", mapping)
