"""Full runs, remembered decisions and automatic merges."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from geliat.audit.models import AuditEvent
from geliat.dedup import engine
from geliat.dedup.models import CandidatePair, DedupRun, Merge
from geliat.dedup.services import (
    candidates_for_people,
    dedup_run_execute,
    dedup_run_start,
    pair_decide_different,
)
from geliat.registry.models import Person
from geliat.registry.services import person_update
from tests.dedup.test_workflow_support import GERBO, KABUPATEN, officer, stranger, twins


def _run(actor="sistem", **kwargs) -> DedupRun:
    """Start a run and execute it here (tests run tasks inline; on_commit waits for a commit)."""
    run = dedup_run_start(actor=actor, enqueue=False, **kwargs)
    return dedup_run_execute(run_id=run.pk)


def test_a_full_run_finds_the_same_person_and_not_a_stranger(regions):
    """The twins become one open pair; a stranger in the same table pairs with nobody."""
    first, second = twins()
    stranger()
    run = _run(mode="full")
    assert run.status == "done", run.error
    assert (run.records, run.pairs_new, run.percent) == (3, 1, 100)
    pair = CandidatePair.objects.get()
    assert (pair.left_id, pair.right_id, pair.source, pair.run_id) == (first.pk, second.pk, "run", run.pk)


def test_different_people_are_remembered_after_a_rerun(regions):
    """A pair decided "different" is not asked again by a later full run, nor at entry."""
    first, second = twins()
    _run(mode="full")
    pair = CandidatePair.objects.get()
    pair_decide_different(actor=officer(GERBO), pair_id=pair.pk, expected_version=pair.version, reason="Ayah dan anak")
    rerun = _run(mode="full")
    assert (rerun.pairs_found, rerun.pairs_new, rerun.pairs_known) == (1, 0, 1)
    candidates_for_people(person_ids=[first.pk, second.pk])
    pair.refresh_from_db()
    assert pair.status == "different" and pair.reason == "Ayah dan anak"
    assert CandidatePair.objects.filter(status="open").count() == 0


def test_the_different_decision_is_audited(regions):
    first, second = twins()
    candidates_for_people(person_ids=[first.pk, second.pk])
    pair = CandidatePair.objects.get()
    actor = officer(GERBO)
    pair_decide_different(actor=actor, pair_id=pair.pk, expected_version=1, reason="Tetangga")
    event = AuditEvent.objects.get(object_type="dedup.candidatepair", object_id=str(pair.pk))
    assert (event.actor, event.before, event.after) == (
        actor, {"status": "open", "reason": ""}, {"status": "different", "reason": "Tetangga"}
    )


def test_an_incremental_run_looks_only_at_changes_and_their_neighbours(regions):
    """After a full run, the next run reads the records changed since and those sharing a key with them."""
    stranger()
    _run(mode="full")
    first, second = twins()  # registered after the first run
    candidates_for_people(person_ids=[first.pk])  # keys stored for one; the other is new too
    run = _run()
    assert run.mode == "incremental" and run.since is not None
    assert run.records == 2 and run.pairs_new == 1
    assert CandidatePair.objects.filter(left=first, right=second, status="open").exists()


def test_an_incremental_run_without_a_previous_run_is_a_full_one(regions):
    twins()
    run = _run()
    assert run.mode == "full" and run.pairs_new == 1


def test_a_run_skips_records_merged_away(regions):
    first, second = twins()
    Person.objects.filter(pk=second.pk).update(merged_into=first)
    run = _run(mode="full")
    assert run.records == 1 and run.pairs_found == 0


def test_auto_merge_above_the_threshold_is_audited_and_reversible(regions, settings):
    """With GELIAT_DEDUP_AUTO_MERGE set, a near-certain pair is merged by the system, audited as such."""
    settings.GELIAT_DEDUP_AUTO_MERGE = 0.99
    first, second = twins()
    stranger()
    run = _run(mode="full")
    assert run.auto_merged == 1
    merge = Merge.objects.get()
    assert merge.automatic and merge.merged_by_label == "sistem" and merge.probability >= 0.99
    assert (merge.survivor_id, merge.absorbed_id) == (first.pk, second.pk)  # the older record survives
    assert Person.objects.get(pk=second.pk).merged_into_id == first.pk
    assert CandidatePair.objects.get().status == "auto_merged"
    event = AuditEvent.objects.get(object_type="dedup.merge", object_id=str(merge.pk))
    assert event.actor_label == "sistem" and "otomatis" in event.note
    # The survivor's blank birth place would be filled from the other; here it kept its own values.
    assert Person.objects.get(pk=first.pk).full_name == "Moch. Sholeh"


def test_auto_merge_is_off_by_default(regions):
    twins()
    run = _run(mode="full")
    assert run.auto_merged == 0 and not Merge.objects.exists()
    assert CandidatePair.objects.get().status == "open"


def test_auto_merge_fills_the_survivors_blank_fields(regions, settings):
    settings.GELIAT_DEDUP_AUTO_MERGE = 0.99
    first, second = twins(birth_place="Bangil")
    person_update(actor="sistem", person=first, data={"birth_place": ""}, expected_version=first.version)
    candidates_for_people(person_ids=[first.pk, second.pk])
    assert Person.objects.get(pk=first.pk).birth_place == "Bangil"


def test_only_coordinators_and_kabupaten_officers_start_runs(regions):
    with pytest.raises(PermissionDenied):
        dedup_run_start(actor=officer(GERBO), enqueue=False)
    run = dedup_run_start(actor=officer(KABUPATEN), enqueue=False)
    assert run.region_code == KABUPATEN and run.status == "pending"


def test_a_second_run_while_one_is_pending_is_refused(regions):
    dedup_run_start(actor="sistem", enqueue=False)
    with pytest.raises(ValidationError) as refused:
        dedup_run_start(actor="sistem", enqueue=False, region_code="35.14.01")
    assert "masih berjalan" in refused.value.messages[0]


def test_a_failing_run_ends_failed_with_the_reason(regions, monkeypatch):
    """An engine error leaves the run failed and saying why, never stuck as running."""
    twins()

    def broken(*args, **kwargs):
        raise RuntimeError("DuckDB kehabisan memori")

    monkeypatch.setattr(engine, "link_records", broken)
    run = _run(mode="full")
    assert run.status == "failed" and "kehabisan memori" in run.error and run.finished_at


def test_the_command_runs_and_reports(regions, capsys):
    """``geliat dedup_run`` prints progress and a summary; a wrong threshold is refused by name."""
    twins()
    call_command("dedup_run", "--full", "--threshold", "0.9")
    out = capsys.readouterr().out
    assert "1 baru" in out and "2 data diperiksa" in out
    assert DedupRun.objects.get().threshold == 0.9
    with pytest.raises(CommandError) as refused:
        call_command("dedup_run", "--threshold", "1,5")
    assert "--threshold" in str(refused.value)


def test_a_run_stuck_for_hours_no_longer_blocks_a_new_one(regions):
    """A worker killed mid-run leaves it "running"; after 12 hours a new run may start."""
    DedupRun.objects.create(
        region_code=KABUPATEN, threshold=0.9, status="running", created_at=timezone.now() - datetime.timedelta(hours=13)
    )
    assert dedup_run_start(actor="sistem", enqueue=False).status == "pending"


def test_a_full_run_stores_keys_so_entry_finds_records_older_than_dedup(regions):
    """People written before any key was stored are found at entry once a full run has indexed them."""
    first, second = twins()
    candidates_for_people(person_ids=[second.pk])
    assert not CandidatePair.objects.exists()  # the first has no keys yet: nothing to meet
    _run(mode="full")
    CandidatePair.objects.all().delete()
    candidates_for_people(person_ids=[second.pk])
    assert CandidatePair.objects.filter(left=first, right=second).exists()
