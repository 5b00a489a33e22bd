"""Large files are cleaned by a helper process while the job writes: the outcome is the same."""

import csv

import pytest

from geliat.imports import services
from geliat.imports.models import ImportJob
from geliat.imports.services import import_file, import_job_run
from geliat.registry.models import Business, Person
from tests.factories import UserFactory
from tests.imports.conftest import office_row

pytestmark = pytest.mark.django_db(transaction=True)  # the helper process reads committed regions

GERBO = "35.14.01.2001"


@pytest.fixture(autouse=True)
def parallel(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GELIAT_IMPORT_WORKERS = 1
    settings.GELIAT_IMPORT_PARALLEL_ROWS = 1
    settings.GELIAT_IMPORT_BATCH = 3


def _report(job: ImportJob) -> list[tuple[str, str, str]]:
    with open(job.report_csv.path, encoding="utf-8-sig", newline="") as handle:
        return [(line["row"], line["status"], line["reasons"]) for line in csv.DictReader(handle)]


def test_the_helper_process_cleans_every_row_as_the_job_would(regions, office_csv, settings, monkeypatch):
    """Eight rows in three batches: the job's process cleans the first batch while the helper
    starts, the helper the other two (the damaged NIK among them): seven created, the damaged
    NIK rejected with its reason; importing the file again in the job's process changes
    nothing, so both cleaned every value alike."""
    officer = UserFactory.at(GERBO)
    path = office_csv([office_row(i) for i in range(1, 8)] + [office_row(8, NIK="3.51401E+15")])
    real_clean_row = services.clean_row
    here = []

    def counted(*args, **kwargs):
        here.append(args[0]["nik"])
        return real_clean_row(*args, **kwargs)

    monkeypatch.setattr(services, "clean_row", counted)
    job = import_file(actor=officer, path=path)
    monkeypatch.setattr(services, "clean_row", real_clean_row)

    assert len(here) == 3  # the first batch only
    assert job.status == ImportJob.Status.DONE
    assert (job.processed, job.created, job.rejected) == (8, 7, 1)
    report = _report(job)
    assert [row for row, _status, _reasons in report] == [str(n) for n in range(1, 9)]
    assert report[7][1] == "rejected" and "NIK" in report[7][2]
    assert Person.objects.count() == Business.objects.count() == 7

    settings.GELIAT_IMPORT_WORKERS = 0
    again = import_file(actor=officer, path=path)

    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 7, 1)


def test_a_cancel_stops_the_helper_and_a_rerun_finishes(regions, office_csv, monkeypatch):
    """A cancel asked after the first batch stops the job before the second; the rerun, again
    through a helper process, finishes the file with nothing duplicated."""
    officer = UserFactory.at(GERBO)
    path = office_csv([office_row(i) for i in range(1, 9)])
    job = services.import_job_create(actor=officer, file=open(path, "rb"), name="daftar.csv")
    real_commit = services._commit

    def commit_then_cancel(job_, *args, **kwargs):
        real_commit(job_, *args, **kwargs)
        services.import_job_cancel(actor=officer, job=job)

    monkeypatch.setattr(services, "_commit", commit_then_cancel)
    job = import_job_run(job_id=job.pk)

    assert job.status == ImportJob.Status.CANCELLED
    assert (job.processed, job.created) == (3, 3)

    monkeypatch.setattr(services, "_commit", real_commit)
    job = import_job_run(job_id=job.pk)

    assert job.status == ImportJob.Status.DONE
    assert (job.processed, job.created) == (8, 8)
    assert Person.objects.count() == Business.objects.count() == 8
