"""Import jobs as the web pages drive them: upload, mapping, background task, cancel, rerun."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from geliat.audit.models import AuditEvent
from geliat.imports.models import ImportJob
from geliat.imports.services import (
    import_job_cancel,
    import_job_create,
    import_job_rerun,
    import_job_run,
    import_job_update_mapping,
)
from geliat.imports.tasks import run_import_job
from geliat.registry.models import Business, Person
from tests.factories import UserFactory
from tests.imports.conftest import OFFICE_HEADERS, csv_bytes, office_row

GERBO = "35.14.01.2001"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(regions):
    return UserFactory.at(GERBO)


def upload(rows, *, headers=OFFICE_HEADERS, name="daftar.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(headers, rows), content_type="text/csv")


def test_an_upload_is_stored_with_the_guessed_mapping_and_nothing_imported(officer):
    job = import_job_create(actor=officer, file=upload([office_row(1)]), name="daftar.csv")

    assert job.status == ImportJob.Status.PENDING
    assert (job.region_code, job.start_level) == (GERBO, "desa")
    with job.file.open("rb") as stored:
        assert stored.read().startswith(b"No,NIK,")
    mapping = {OFFICE_HEADERS[int(column)]: key for column, key in job.mapping.items()}
    assert mapping["NIK"] == "nik" and mapping["Nama Lengkap"] == "full_name" and "No" not in mapping
    assert not Person.objects.exists()
    assert AuditEvent.objects.filter(object_type="imports.importjob", object_id=str(job.pk), action="create").exists()


def test_the_confirmed_mapping_is_what_runs(officer):
    """The user maps the "No" column to the source ID and sets a dry run: the job follows both."""
    job = import_job_create(actor=officer, file=upload([office_row(1)]), name="daftar.csv")
    mapping = {int(column): key for column, key in job.mapping.items()}
    mapping[OFFICE_HEADERS.index("No")] = "external_id"

    import_job_update_mapping(actor=officer, job=job, mapping=mapping, dry_run=True)
    job = import_job_run(job_id=job.pk)

    assert job.mapping[str(OFFICE_HEADERS.index("No"))] == "external_id"
    assert job.dry_run and job.created == 1
    assert not Person.objects.exists()


def test_a_mapping_without_a_required_field_is_refused(officer):
    job = import_job_create(actor=officer, file=upload([office_row(1)]), name="daftar.csv")
    mapping = {int(column): key for column, key in job.mapping.items() if key != "nik"}

    with pytest.raises(ValidationError, match="NIK"):
        import_job_update_mapping(actor=officer, job=job, mapping=mapping)
    job.refresh_from_db()
    assert "nik" in job.mapping.values()


def test_the_mapping_of_a_job_that_ran_cannot_change(officer):
    job = import_job_create(actor=officer, file=upload([office_row(1)]), name="daftar.csv")
    import_job_run(job_id=job.pk)
    job.refresh_from_db()

    with pytest.raises(ValidationError, match="sebelum impor dijalankan"):
        import_job_update_mapping(actor=officer, job=job, mapping={0: "nik"})


def test_the_background_task_runs_the_job(officer):
    """In tests the immediate backend runs the task inline, as a worker would."""
    job = import_job_create(actor=officer, file=upload([office_row(1), office_row(2)]), name="daftar.csv")

    result = run_import_job.enqueue(str(job.pk))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created == 2
    assert result.return_value == {"status": "done", "processed": 2, "rejected": 0}
    assert job.started_at <= job.finished_at


def test_a_job_cancelled_before_it_starts_writes_nothing(officer):
    job = import_job_create(actor=officer, file=upload([office_row(1)]), name="daftar.csv")

    import_job_cancel(actor=officer, job=job)
    job = import_job_run(job_id=job.pk)

    assert job.status == ImportJob.Status.CANCELLED and job.processed == 0
    assert not job.cancel_requested
    assert not Business.objects.exists()


def test_a_finished_job_is_not_run_twice(officer):
    job = import_job_create(actor=officer, file=upload([office_row(1)]), name="daftar.csv")
    finished_at = import_job_run(job_id=job.pk).finished_at

    job = import_job_run(job_id=job.pk)

    assert (job.created, job.unchanged, job.finished_at) == (1, 0, finished_at)


def test_cancelling_a_finished_job_changes_nothing(officer):
    job = import_job_create(actor=officer, file=upload([office_row(1)]), name="daftar.csv")
    import_job_run(job_id=job.pk)

    job = import_job_cancel(actor=officer, job=ImportJob.objects.get(pk=job.pk))

    assert job.status == ImportJob.Status.DONE and not job.cancel_requested


def test_rerun_queues_a_cancelled_job_again(officer, django_capture_on_commit_callbacks):
    job = import_job_create(actor=officer, file=upload([office_row(1), office_row(2)]), name="daftar.csv")
    import_job_cancel(actor=officer, job=job)
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.CANCELLED

    with django_capture_on_commit_callbacks(execute=True):
        import_job_rerun(actor=officer, job=job)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created == 2


def test_rerun_refuses_a_job_that_is_done(officer):
    job = import_job_create(actor=officer, file=upload([office_row(1)]), name="daftar.csv")
    job = import_job_run(job_id=job.pk)

    with pytest.raises(ValidationError, match="tidak bisa dijalankan lagi"):
        import_job_rerun(actor=officer, job=job)


def test_an_unreadable_upload_is_refused_and_not_kept(officer, settings):
    with pytest.raises(ValidationError):
        import_job_create(actor=officer, file=upload([], name="daftar.xlsx"), name="daftar.xlsx")
    assert not ImportJob.objects.exists()
    assert not any((settings.MEDIA_ROOT / "imports").glob("daftar*"))


def test_a_job_whose_file_lost_its_columns_fails_with_the_reason(officer):
    """A mapping naming a column the stored file no longer has fails the job, saying what is missing."""
    job = import_job_create(actor=officer, file=upload([office_row(1)]), name="daftar.csv")
    ImportJob.objects.filter(pk=job.pk).update(mapping={"0": "nik"})

    job = import_job_run(job_id=job.pk)

    assert job.status == ImportJob.Status.FAILED
    assert "Nama lengkap" in job.error and not Person.objects.exists()


def test_a_job_running_in_another_worker_is_left_alone(officer):
    """A task queued twice (a double click on "run again") does not run the file twice at once."""
    job = import_job_create(actor=officer, file=upload([office_row(1)]), name="daftar.csv")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)

    job = import_job_run(job_id=job.pk)

    assert job.status == ImportJob.Status.RUNNING and job.processed == 0
    assert not Business.objects.exists()
