"""Duplicate searches as background tasks (django-tasks; inline with the immediate backend)."""

from django_tasks import task

from geliat.dedup.services import candidates_for_people, dedup_run_execute


@task()
def run_dedup(run_id: int) -> dict:
    """Run a queued search; see ``dedup_run_execute``."""
    run = dedup_run_execute(run_id=run_id)
    return {"status": run.status, "records": run.records, "pairs_new": run.pairs_new}


@task()
def find_candidates(person_ids: list[int], source: str) -> int:
    """Candidates of a large batch of new people (imports, demo data), after it committed."""
    return candidates_for_people(person_ids=person_ids, source=source).new
