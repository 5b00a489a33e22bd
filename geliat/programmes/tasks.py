"""Background jobs of programmes (django-tasks; inline with the immediate backend in tests)."""

from django_tasks import task

from geliat.programmes.outside import outside_list_run
from geliat.programmes.services import proposal_evaluate


@task()
def match_outside_list(list_id: int) -> dict:
    """Read an outside list and match it to the registry; see ``outside_list_run``."""
    outside_list = outside_list_run(list_id=list_id)
    return {"status": outside_list.status, "rows_read": outside_list.rows_read, "matched": outside_list.matched}


@task()
def evaluate_proposal(proposal_id: int) -> dict:
    """Evaluate a programme's rules over the registry into the proposal; see ``proposal_evaluate``."""
    proposal = proposal_evaluate(proposal_id=proposal_id)
    return {"status": proposal.status, "evaluated": proposal.evaluated, "eligible": proposal.eligible}
