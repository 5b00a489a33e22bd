"""Monthly coordination reports: asked for on a page, built in the background (inline in
tests) as PDF and XLSX, scoped per OPD, downloads audited."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from geliat.accounts.models import Agency
from geliat.audit.models import AuditEvent
from geliat.coordination.models import Activity, Indicator, ReportJob
from geliat.coordination.services import report_job_create
from tests.coordination.conftest import GERBO, business_at, enrol, programme


@pytest.fixture
def activity_data(matrix, refresh):
    """Diskop UM's online programme (linked to 4.1) delivered to one craft in March 2026;
    Dinsos's meal programme delivered in February."""
    online = programme("daring", "diskopum", name="Pemasaran daring kriya")
    matrix["4.1"].programmes.add(online)
    enrol(online, business_at(GERBO, group=4), delivered_on=datetime.date(2026, 3, 10), amount=500_000)
    meals = programme("makan", "dinsos", name="Makan untuk rentan", kind="meals")
    enrol(meals, business_at(GERBO, group=1), delivered_on=datetime.date(2026, 2, 3))
    Activity.objects.filter(code="1.1").update(indicator=Indicator.MANUAL, manual_actual=12, target=50)
    refresh()


def workbook_of(job: ReportJob):
    with job.xlsx.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()))


def sheet_rows(workbook, prefix: str) -> list[list]:
    name = next(n for n in workbook.sheetnames if n.startswith(prefix))
    return [[cell.value for cell in row] for row in workbook[name].iter_rows()]


def test_a_coordinator_gets_the_regency_report_as_pdf_and_excel(client, activity_data, coordinator):
    """The form queues the job; it finishes with both files, the month's deliveries counted."""
    client.force_login(coordinator)

    response = client.post("/koordinasi/laporan/", {"month": "2026-03", "agency": ""})

    job = ReportJob.objects.get()
    assert response["Location"] == f"/koordinasi/laporan/{job.pk}/"
    assert (job.status, job.progress, job.agency) == (ReportJob.Status.DONE, 100, None)
    with job.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    workbook = workbook_of(job)
    month = sheet_rows(workbook, "Kegiatan bulan")
    assert ["Penyaluran manfaat", 1] in month and ["Nilai penyaluran (Rp)", 500000] in month
    matrix_rows = sheet_rows(workbook, "Matriks aksi")
    row_41 = next(r for r in matrix_rows if r[0] == "4.1")
    assert row_41[6] == 1
    row_11 = next(r for r in matrix_rows if r[0] == "1.1")
    assert (row_11[5], row_11[6]) == (50, "12 (manual)")
    assert any(n.startswith("Per kecamatan") for n in workbook.sheetnames)


def test_an_agency_report_covers_that_agency_only(client, activity_data, diskopum_staff):
    """Diskop UM's staff get Diskop UM's report: its activities and programme, not Dinsos's."""
    client.force_login(diskopum_staff)

    client.post("/koordinasi/laporan/", {"month": "2026-02", "agency": str(Agency.objects.get(code="dinsos").pk)})

    job = ReportJob.objects.get()
    assert job.agency.code == "diskopum"
    workbook = workbook_of(job)
    codes = {r[0] for r in sheet_rows(workbook, "Matriks aksi")[2:]}
    assert "4.1" in codes and "1.1" not in codes
    programmes = [r[0] for r in sheet_rows(workbook, "Jangkauan program")[2:]]
    assert programmes == ["Pemasaran daring kriya"]
    assert ["Penyaluran manfaat", 0] in sheet_rows(workbook, "Kegiatan bulan")


def test_the_progress_partial_is_polled_and_downloads_are_audited(client, activity_data, coordinator):
    """htmx polls the progress partial alone; each download of the PDF or Excel is audited."""
    client.force_login(coordinator)
    client.post("/koordinasi/laporan/", {"month": "2026-03"})
    job = ReportJob.objects.get()

    partial = client.get(f"/koordinasi/laporan/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="progress"') and 'data-status="done"' in partial

    response = client.get(f"/koordinasi/laporan/{job.pk}/laporan.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"
    assert client.get(f"/koordinasi/laporan/{job.pk}/laporan.xlsx").status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="coordination.reportjob").count() == 2


def test_another_agencys_report_is_404(client, activity_data, diskopum_staff, dinsos_staff):
    """Dinsos's report is missing to Diskop UM's staff: page and downloads."""
    job = report_job_create(actor=dinsos_staff, month=datetime.date(2026, 2, 1), agency=Agency.objects.get(code="dinsos"))
    client.force_login(diskopum_staff)

    assert client.get(f"/koordinasi/laporan/{job.pk}/").status_code == 404
    assert client.get(f"/koordinasi/laporan/{job.pk}/laporan.pdf").status_code == 404
    assert str(job.pk) not in client.get("/koordinasi/laporan/").content.decode()
    client.force_login(dinsos_staff)
    assert client.get(f"/koordinasi/laporan/{job.pk}/").status_code == 200


def test_officers_have_no_reports(client, activity_data, purwodadi_officer):
    """Monthly reports are for coordinators and agency staff; officers are refused."""
    client.force_login(purwodadi_officer)

    assert client.get("/koordinasi/laporan/").status_code == 403


def test_a_future_or_malformed_month_is_refused_and_kept(client, activity_data, coordinator):
    """A month not yet come or not written as YYYY-MM is refused with the fix; the input stays."""
    client.force_login(coordinator)

    html = client.post("/koordinasi/laporan/", {"month": "2999-01"}).content.decode()
    assert "Bulan laporan belum tiba." in html and 'value="2999-01"' in html
    html = client.post("/koordinasi/laporan/", {"month": "Maret"}).content.decode()
    assert "Bulan tidak sah. Tulis tahun-bulan seperti 2026-05." in html
    assert not ReportJob.objects.exists()


def test_a_failed_build_says_so_and_can_be_asked_again(client, activity_data, coordinator, monkeypatch):
    """A crash while building leaves the job failed with a message, not a half file."""
    from geliat.coordination import reports

    def broken(content):
        raise RuntimeError("disk full")

    monkeypatch.setattr(reports, "render_pdf", broken)
    client.force_login(coordinator)
    client.post("/koordinasi/laporan/", {"month": "2026-03"})

    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.FAILED and not job.pdf
    assert "Laporan gagal dibuat" in client.get(f"/koordinasi/laporan/{job.pk}/").content.decode()


def test_an_agency_report_lists_the_overlaps_it_is_part_of_and_gaps_in_its_groups(client, matrix, refresh, diskopum_staff):
    """Diskop UM's report lists the overlap it is part of (online marketing for crafts in
    Purwodadi, with Diskominfo), and gaps only in the groups it answers for: food stalls in
    Tutur (activity 2.3) but not ojek drivers (group 7, Dishub and Dinsos)."""
    from geliat.coordination.models import Engagement
    from geliat.wilayah.models import Region

    purwodadi = Region.objects.get(code="35.14.01")
    Engagement.objects.create(activity=matrix["4.1"], agency=Agency.objects.get(code="diskopum"), region=purwodadi)
    Engagement.objects.create(activity=matrix["4.1"], agency=Agency.objects.get(code="diskominfo"), region=purwodadi)
    business_at(GERBO, group=4)
    business_at("35.14.02.2001", group=2)
    business_at("35.14.02.2001", group=7)
    refresh()
    client.force_login(diskopum_staff)

    client.post("/koordinasi/laporan/", {"month": "2026-03"})

    workbook = workbook_of(ReportJob.objects.get())
    overlaps = sheet_rows(workbook, "Tumpang tindih")[2:]
    assert overlaps[0][0] == "Purwodadi" and "Diskop UM" in overlaps[0][3] and "Diskominfo" in overlaps[0][3]
    gaps = {(row[0], row[1]) for row in sheet_rows(workbook, "Celah")[2:]}
    assert ("Tutur", "Warung makan-minum, katering") in gaps
    assert not any(group == "Tukang ojek/becak" for _area, group in gaps)
