"""Two officers deciding the same pair at the same moment: one wins, the other is told,
and the data is exactly what the winner decided."""

import pytest

from geliat.dedup.models import CandidatePair, Merge
from geliat.dedup.services import (
    MergeRefused,
    PairAlreadyDecided,
    candidates_for_people,
    pair_decide_different,
    pair_decide_same,
    person_unmerge,
)
from geliat.registry.models import Person
from tests.concurrency import race
from tests.dedup.test_workflow_support import GERBO, officer, twins


@pytest.fixture
def contested(committed_db, regions):
    first, second = twins()
    candidates_for_people(person_ids=[first.pk, second.pk])
    return CandidatePair.objects.get(left=first, right=second), officer(GERBO), officer(GERBO)


def test_merge_and_different_at_the_same_moment_decide_once(contested):
    """One officer merges while another says "different": exactly one decision stands."""
    pair, one, two = contested
    merged, different = race(
        lambda: pair_decide_same(actor=one, pair_id=pair.pk, expected_version=1, survivor_id=pair.left_id, choices={}),
        lambda: pair_decide_different(actor=two, pair_id=pair.pk, expected_version=1, reason="Kakak adik"),
    )
    pair.refresh_from_db()
    absorbed = Person.objects.get(pk=pair.right_id)
    if isinstance(merged, Merge):
        assert isinstance(different, PairAlreadyDecided), different
        assert pair.status == "same" and absorbed.merged_into_id == pair.left_id
    else:
        assert isinstance(merged, PairAlreadyDecided) and isinstance(different, CandidatePair), (merged, different)
        assert pair.status == "different" and absorbed.merged_into_id is None
        assert not Merge.objects.exists()
    assert pair.version == 2


def test_two_merges_at_the_same_moment_merge_once(contested):
    """Both officers merge, choosing opposite survivors: one merge is made, the other refused."""
    pair, one, two = contested
    outcomes = race(
        lambda: pair_decide_same(actor=one, pair_id=pair.pk, expected_version=1, survivor_id=pair.left_id, choices={}),
        lambda: pair_decide_same(actor=two, pair_id=pair.pk, expected_version=1, survivor_id=pair.right_id, choices={}),
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["Merge", "PairAlreadyDecided"], outcomes
    assert Merge.objects.count() == 1
    merged = Person.objects.filter(pk__in=[pair.left_id, pair.right_id], merged_into__isnull=False)
    assert merged.count() == 1


def test_two_undos_at_the_same_moment_undo_once(contested):
    pair, one, two = contested
    merge = pair_decide_same(actor=one, pair_id=pair.pk, expected_version=1, survivor_id=pair.left_id, choices={})
    outcomes = race(
        lambda: person_unmerge(actor=one, merge_id=merge.pk),
        lambda: person_unmerge(actor=two, merge_id=merge.pk),
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["Merge", "MergeRefused"], outcomes
    refused = next(o for o in outcomes if isinstance(o, MergeRefused))
    assert "sudah dibatalkan" in refused.messages[0]
    assert Person.objects.get(pk=pair.right_id).merged_into_id is None
