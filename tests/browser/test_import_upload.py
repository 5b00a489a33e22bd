"""An officer imports a list on a phone screen: uploads a CSV, corrects one guessed column,
starts the import, and downloads the report that accounts for every row."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from geliat.registry.models import Business, Person
from tests.factories import GERBO, TEST_PASSWORD, UserFactory
from tests.imports.conftest import OFFICE_HEADERS, csv_bytes, office_row

pytestmark = pytest.mark.browser


def test_upload_correct_a_column_start_and_download_the_report(page, live_server, regions, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    officer = UserFactory.at(GERBO)
    data = csv_bytes(
        [*OFFICE_HEADERS, "Catatan"],
        [
            [*office_row(1), "Keripik tempe"],
            [*office_row(2), "Sambal pecel"],
            [*office_row(3, NIK="3.51401E+15"), "Kopi bubuk"],
        ],
    )

    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.get_by_role("link", name="Impor", exact=True).click()

    page.set_input_files("#id_file", files=[{"name": "daftar-umkm.csv", "mimeType": "text/csv", "buffer": data}])
    page.get_by_role("button", name="Unggah dan periksa kolom").click()

    # The guess is shown with sample values; "Catatan" holds products, not an impact note.
    expect(page.get_by_label("NIK", exact=True)).to_have_value("nik")
    note = page.get_by_label("Catatan", exact=True)
    expect(note).to_have_value("impact_note")
    expect(page.get_by_text("Sambal pecel")).to_be_visible()
    note.select_option("products")
    page.get_by_role("button", name="Mulai impor").click()

    expect(page.get_by_test_id("status")).to_have_text("Selesai")
    expect(page.get_by_test_id("balance")).to_have_text("Diterima 2 + ditolak 1 = 3 baris terbaca.")

    with page.expect_download() as info:
        page.get_by_test_id("report-csv").click()
    download = info.value
    assert download.suggested_filename == "laporan-daftar-umkm.csv"
    report = list(csv.DictReader(io.StringIO(Path(download.path()).read_text("utf-8-sig"))))
    assert [(line["row"], line["status"]) for line in report] == [
        ("1", "accepted"), ("2", "accepted"), ("3", "rejected"),
    ]
    assert "NIK rusak oleh spreadsheet" in report[2]["reasons"]
    businesses = {business.pk: business for business in Business.objects.all()}
    assert {int(line["id"]) for line in report[:2]} == set(businesses)
    assert sorted(business.products for business in businesses.values()) == ["Keripik tempe", "Sambal pecel"]
    assert Person.objects.count() == 2
