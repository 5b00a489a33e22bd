"""The import engine as a background task (django-tasks; inline with the immediate backend)."""

from django_tasks import task

from geliat.imports.services import import_job_run


@task()
def run_import_job(job_id: str) -> dict:
    """Run or go on with an import job; see ``import_job_run``."""
    job = import_job_run(job_id=job_id)
    return {"status": job.status, "processed": job.processed, "rejected": job.rejected}
