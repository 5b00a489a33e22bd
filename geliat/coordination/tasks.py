"""Coordination's background jobs (django-tasks; inline with the immediate backend)."""

from django_tasks import task

from geliat.coordination.services import coordination_stats_refresh, report_job_run


@task()
def refresh_stats(run_id: int | None = None) -> dict:
    """Rebuild the summary tables the dashboards, map and open-data page read."""
    run = coordination_stats_refresh(run_id=run_id)
    return {"status": run.status, "rows": run.rows, "seconds": run.seconds}


@task()
def generate_report(job_id: str) -> dict:
    """Build one monthly coordination report (PDF and XLSX)."""
    job = report_job_run(job_id=job_id)
    return {"status": job.status}
