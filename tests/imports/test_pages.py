"""The import pages: upload, the column mapping the user confirms, progress with cancel and
rerun, and the report downloads, each only for those who may see the job."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from geliat.accounts.models import Role
from geliat.audit.models import AuditEvent
from geliat.imports.models import ImportJob
from geliat.imports.services import import_job_create, import_job_run, import_job_update_mapping
from geliat.registry.models import Business, Person
from tests.factories import GERBO, UserFactory
from tests.imports.conftest import OFFICE_HEADERS, csv_bytes, office_row, valid_nik

DAWUHANSENGON = "35.14.01.2002"  # another desa of Kecamatan Purwodadi
TUTUR_DESA = "35.14.02.2001"  # a desa of another kecamatan
HEADERS = [*OFFICE_HEADERS, "Catatan"]  # "Catatan" is guessed as the impact note
NOTE_COLUMN = "col_16"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def officer(regions):
    return UserFactory.at(GERBO)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def rows(count: int = 3, *, damaged: bool = False) -> list[list[str]]:
    """``count`` good rows of Desa Gerbo, each noting its product; then a row with a damaged NIK."""
    made = [[*office_row(n), f"Keripik tempe {n}"] for n in range(1, count + 1)]
    if damaged:
        made.append([*office_row(99, NIK="3.51401E+15"), "Rusak"])
    return made


def upload(client, data: bytes, name: str = "daftar.csv"):
    return client.post(reverse("imports:list"), {"file": SimpleUploadedFile(name, data)})


def open_mapping(client, data: bytes | None = None):
    """Upload a file and open its mapping page; returns (job, response)."""
    response = upload(client, data or csv_bytes(HEADERS, rows(damaged=True)))
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:mapping", args=[job.pk])
    return job, client.get(response["Location"])


def submitted(response, changes: dict[str, str] | None = None, *, dry_run: bool = False) -> dict:
    """What the mapping form sends as shown, with ``changes`` (select name → field key) applied."""
    form = response.context["form"]
    data = {field.html_name: field.value() or "" for field in form.column_fields()}
    data.update(changes or {})
    if dry_run:
        data["dry_run"] = "on"
    return data


def selected(response, name: str) -> str:
    """The option shown selected in the select ``name`` ("" for none)."""
    select = re.search(rf'<select name="{name}".*?</select>', response.content.decode(), re.S).group()
    found = re.search(r'<option value="([^"]*)" selected>', select)
    return found.group(1) if found else ""


def start(client, changes: dict[str, str] | None = None, **options):
    """Upload the standard file, confirm the mapping and follow to the job page."""
    job, response = open_mapping(client)
    answer = client.post(reverse("imports:mapping", args=[job.pk]), submitted(response, changes, **options))
    assert answer.status_code == 302, answer.content.decode()
    job.refresh_from_db()
    return job, client.get(answer["Location"])


def report_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# Upload ---------------------------------------------------------------------------------


def test_the_nav_offers_import_to_officers_and_the_list_page_explains_the_formats(officer_client):
    """An officer finds "Impor" in the menu; the page says which files it takes."""
    page = officer_client.get(reverse("registry:home")).content.decode()
    assert f'href="{reverse("imports:list")}"' in page
    page = officer_client.get(reverse("imports:list")).content.decode()
    assert "KoboToolbox" in page and ".xlsx" in page
    assert "Ukuran maksimal 50,0\xa0MB" in page  # filesizeformat keeps number and unit together


def test_agency_staff_may_not_import(client, regions):
    """OPD staff do not register data, so the import page refuses them."""
    client.force_login(UserFactory.at("35.14", role=Role.AGENCY))
    assert client.get(reverse("imports:list")).status_code == 403


def test_an_upload_shows_the_guessed_mapping_and_three_sample_values(officer_client):
    """Each column gets its guessed field and the values of its first three rows."""
    job, response = open_mapping(officer_client, csv_bytes(HEADERS, rows(4)))
    assert job.status == ImportJob.Status.PENDING and job.created_by.username == response.wsgi_request.user.username
    assert selected(response, "col_1") == "nik"
    assert selected(response, "col_2") == "full_name"
    assert selected(response, "col_0") == ""  # "No" is not imported
    assert selected(response, NOTE_COLUMN) == "impact_note"
    page = response.content.decode()
    for serial in (1, 2, 3):
        assert valid_nik(serial) in page
    assert valid_nik(4) not in page
    assert Person.objects.count() == 0  # nothing written before the user confirms


def test_the_mapping_page_lists_what_the_guess_lacks(officer_client):
    """A file without an address column opens with that problem listed, before any submit."""
    headers = [header for header in HEADERS if header != "Alamat"]
    data = csv_bytes(headers, [[cell for header, cell in zip(HEADERS, row, strict=True) if header != "Alamat"] for row in rows()])
    _job, response = open_mapping(officer_client, data)
    problems = re.search(r'data-testid="problems">(.*?)</ul>', response.content.decode(), re.S).group(1)
    assert "Belum ada kolom untuk Alamat (wajib)" in problems and "NIK" not in problems


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("daftar.pdf", b"%PDF-1.4 not a table", "harus berformat .csv atau .xlsx"),
        ("daftar.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "(.xls) belum didukung"),
        ("daftar.xlsx", b"PK\x03\x04 broken archive", "Berkas Excel tidak dapat dibaca"),
        ("daftar.csv", b"", "Berkas kosong"),
        ("daftar.csv", b"\r\n ,, \r\n", "Berkas kosong"),
    ],
    ids=["pdf", "old-excel", "broken-xlsx", "empty", "blank-lines"],
)
def test_a_bad_upload_is_refused_in_indonesian_and_nothing_is_stored(officer_client, media, name, data, message):
    """A file that is not a readable CSV/XLSX is answered on the page, saying what to do."""
    response = upload(officer_client, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not (media / "imports").exists()


def test_a_file_over_the_size_limit_is_refused(officer_client, settings, media):
    """The size limit comes from the settings; a larger file is refused naming both sizes."""
    settings.GELIAT_IMPORT_MAX_MB = 1
    data = csv_bytes(HEADERS, rows(1)) + b"x" * (1024 * 1024)
    response = upload(officer_client, data)
    assert "Berkas terlalu besar" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not (media / "imports").exists()


# Mapping and running --------------------------------------------------------------------


def test_a_corrected_guess_is_what_gets_imported(officer_client):
    """The user moves "Catatan" from impact note to products; the businesses get it as products."""
    job, response = start(officer_client, {NOTE_COLUMN: "products"})
    assert job.status == ImportJob.Status.DONE
    assert job.mapping["16"] == "products"
    business = Business.objects.get(name="Warung Bu Sri 1")
    assert business.products == "Keripik tempe 1" and business.impact_note == ""


def test_a_mapping_without_a_required_field_is_refused_and_keeps_the_choices(officer_client):
    """Without a NIK column nothing starts; the page says so and keeps the user's other changes."""
    job, response = open_mapping(officer_client)
    response = officer_client.post(
        reverse("imports:mapping", args=[job.pk]), submitted(response, {"col_1": "", NOTE_COLUMN: "products"})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Belum ada kolom untuk NIK (wajib)" in page
    assert selected(response, "col_1") == ""
    assert selected(response, NOTE_COLUMN) == "products"
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PENDING and job.mapping["1"] == "nik"
    assert not Person.objects.exists()


def test_one_column_for_two_fields_is_refused(officer_client):
    """Two columns cannot both be the NIK: the user is told to pick one."""
    job, response = open_mapping(officer_client)
    response = officer_client.post(reverse("imports:mapping", args=[job.pk]), submitted(response, {"col_2": "nik"}))
    assert "sama-sama dipetakan ke NIK" in response.content.decode()
    assert not Person.objects.exists()


def test_starting_runs_the_job_and_the_page_shows_every_row_accounted_for(officer_client):
    """Three good rows are created, the damaged NIK rejected; accepted + rejected = rows read."""
    job, response = start(officer_client)
    assert job.status == ImportJob.Status.DONE
    assert (job.created, job.rejected, job.processed) == (3, 1, 4)
    page = response.content.decode()
    assert 'data-status="done"' in page
    assert re.search(r'data-testid="created">\s*3<', page) and re.search(r'data-testid="rejected">\s*1<', page)
    assert "Diterima 3 + ditolak 1 = 4 baris terbaca." in page
    assert reverse("verification:queue") in page
    assert Person.objects.count() == 3


def test_a_dry_run_reports_without_writing(officer_client):
    """"Uji coba dulu" counts and reports every row but stores nothing."""
    job, response = start(officer_client, dry_run=True)
    assert job.dry_run and job.status == ImportJob.Status.DONE
    assert (job.created, job.rejected) == (3, 1)
    assert not Person.objects.exists()
    assert "uji coba" in response.content.decode()


def test_the_progress_partial_polls_while_running_and_stops_when_done(officer_client, officer):
    """htmx asks every 2 s while a job runs; the answer for a finished job carries no trigger."""
    job = confirmed_job(officer)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, total_rows=4, processed=2)
    url = reverse("imports:detail", args=[job.pk])
    partial = officer_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert 'hx-trigger="every 2s"' in partial and 'value="2"' in partial and 'max="4"' in partial
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE)
    partial = officer_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial


def confirmed_job(user, data: bytes | None = None) -> ImportJob:
    """A job whose mapping the user confirmed, not yet picked up by a worker."""
    job = import_job_create(
        actor=user, file=SimpleUploadedFile("daftar.csv", data or csv_bytes(HEADERS, rows(damaged=True))),
        name="daftar.csv",
    )
    return import_job_update_mapping(actor=user, job=job, mapping=job.mapping)


def test_a_running_job_can_be_cancelled_and_run_again(officer_client, officer, django_capture_on_commit_callbacks):
    """Cancel stops the job before its next batch; "Jalankan lagi" finishes it without duplicates."""
    job = confirmed_job(officer)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)  # a worker has it
    page = officer_client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert 'data-testid="cancel"' in page

    response = officer_client.post(reverse("imports:cancel", args=[job.pk]), follow=True)
    assert "Permintaan berhenti diterima" in response.content.decode()
    job = import_job_run(job_id=job.pk)  # the worker notices before its next batch
    assert job.status == ImportJob.Status.CANCELLED and not Person.objects.exists()
    page = officer_client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert 'data-testid="rerun"' in page and 'data-testid="cancel"' not in page

    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(reverse("imports:rerun", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and (job.created, job.rejected) == (3, 1)
    assert Person.objects.count() == 3


def test_a_failed_job_shows_its_error_and_can_be_run_again(officer_client, officer):
    """The error is shown with a "Jalankan lagi" button."""
    job = confirmed_job(officer)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, error="Server database mati.")
    page = officer_client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "Server database mati." in page and 'data-testid="rerun"' in page


def test_a_finished_job_is_not_run_again(officer_client):
    """Rerunning a done job is refused with a message; nothing is imported twice."""
    job, _response = start(officer_client)
    response = officer_client.post(reverse("imports:rerun", args=[job.pk]), follow=True)
    assert "tidak bisa dijalankan lagi" in response.content.decode()
    assert Person.objects.count() == 3


# Reports --------------------------------------------------------------------------------


def test_the_reports_account_for_every_row_and_each_download_is_audited(officer_client, officer):
    """The CSV lists every row with status, reasons and id; the XLSX keeps the rejected row's
    cells with a reason column; both downloads are in the audit trail."""
    job, _response = start(officer_client)
    response = officer_client.get(reverse("imports:report_csv", args=[job.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    lines = report_rows(response)
    assert [(line["row"], line["status"]) for line in lines] == [
        ("1", "accepted"), ("2", "accepted"), ("3", "accepted"), ("4", "rejected"),
    ]
    assert "NIK rusak oleh spreadsheet" in lines[3]["reasons"] and lines[3]["id"] == ""
    assert {int(line["id"]) for line in lines[:3]} == set(Business.objects.values_list("pk", flat=True))

    response = officer_client.get(reverse("imports:report_xlsx", args=[job.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *data = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:2] == ["No", "NIK"] and header[-1] == "alasan"
    assert len(data) == 1 and data[0][1] == "3.51401E+15" and "NIK rusak" in data[0][-1]

    exports = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_id=str(job.pk))
    assert exports.count() == 2 and set(exports.values_list("actor", flat=True)) == {officer.pk}


def test_a_job_without_reports_yet_has_nothing_to_download(officer_client, officer):
    job = confirmed_job(officer)
    assert officer_client.get(reverse("imports:report_csv", args=[job.pk])).status_code == 404


# Scope ----------------------------------------------------------------------------------


JOB_PAGES = [
    ("get", "imports:detail"),
    ("get", "imports:mapping"),
    ("get", "imports:report_csv"),
    ("get", "imports:report_xlsx"),
    ("post", "imports:cancel"),
    ("post", "imports:rerun"),
]


@pytest.mark.parametrize(
    "stranger",
    [
        lambda: UserFactory.at(GERBO),  # a colleague of the same desa: own jobs only
        lambda: UserFactory.at(DAWUHANSENGON, manager=True),  # a manager of another desa
        lambda: UserFactory.at("35.14.02", manager=True),  # a manager of another kecamatan
    ],
    ids=["colleague", "other-desa-manager", "other-kecamatan-manager"],
)
def test_another_users_job_is_404_everywhere(client, officer, stranger):
    """Whoever may not follow a job gets 404 on each of its pages, and does not see it listed."""
    job = confirmed_job(officer)
    import_job_run(job_id=job.pk)
    client.force_login(stranger())
    for method, name in JOB_PAGES:
        response = getattr(client, method)(reverse(name, args=[job.pk]))
        assert response.status_code == 404, name
    assert job.source_name not in client.get(reverse("imports:list")).content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and not job.cancel_requested


@pytest.mark.parametrize(
    "overseer",
    [
        lambda: UserFactory.at("35.14.01", manager=True),  # the kecamatan's account manager
        lambda: UserFactory.at("35.14", role=Role.COORDINATOR),  # the regency's coordinator
    ],
    ids=["kecamatan-manager", "coordinator"],
)
def test_those_who_oversee_the_region_follow_its_imports(client, officer, overseer):
    """Managers and coordinators see the jobs run in their region, and their reports."""
    job = confirmed_job(officer)
    import_job_run(job_id=job.pk)
    client.force_login(overseer())
    assert job.source_name in client.get(reverse("imports:list")).content.decode()
    assert client.get(reverse("imports:detail", args=[job.pk])).status_code == 200
    assert client.get(reverse("imports:report_csv", args=[job.pk])).status_code == 200
