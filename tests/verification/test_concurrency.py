"""Two decisions on one record at once: exactly one wins, the other is told, nothing is lost."""

import pytest

from geliat.verification.models import Decision, Verification
from geliat.verification.services import (
    StaleDecision,
    verification_approve,
    verification_bulk_approve,
    verification_reject,
    verification_return,
)
from tests.concurrency import race
from tests.factories import UserFactory
from tests.verification.conftest import DUSUN_RT


@pytest.fixture
def two_rt_officers(officers):
    """Two officers assigned to the same RT (the RT head and a helper)."""
    return officers[DUSUN_RT], UserFactory.at(DUSUN_RT, username="petugas.rt.kedua")


def decided(verification: Verification) -> list[str]:
    return list(verification.decisions.exclude(action__in=["start", "skip"]).values_list("action", flat=True))


# --- One after the other, both with the version they opened ---------------------------


def test_the_second_of_two_officers_is_told_someone_decided_first(submit, two_rt_officers):
    """Both opened version 1; the first approves, the later reject is refused with a clear message."""
    first, second = two_rt_officers
    verification = submit(DUSUN_RT)
    verification_approve(actor=first, verification_id=verification.pk, expected_version=1)
    with pytest.raises(StaleDecision) as refused:
        verification_reject(actor=second, verification_id=verification.pk, expected_version=1, reason="Usaha fiktif")
    assert "sudah diputuskan atau diubah petugas lain" in refused.value.message
    verification.refresh_from_db()
    assert (verification.status, verification.level, verification.version) == ("waiting", "rw", 2)
    assert decided(verification) == ["approve"]


def test_a_double_submitted_approval_counts_once(submit, two_rt_officers):
    """The same officer's form sent twice (double click, retry) approves once."""
    officer, _ = two_rt_officers
    verification = submit(DUSUN_RT)
    verification_approve(actor=officer, verification_id=verification.pk, expected_version=1)
    with pytest.raises(StaleDecision):
        verification_approve(actor=officer, verification_id=verification.pk, expected_version=1)
    verification.refresh_from_db()
    assert (verification.level, verification.version) == ("rw", 2)
    assert decided(verification) == ["approve"]


def test_a_bulk_approval_with_an_old_version_refuses_what_another_officer_returned(submit, two_rt_officers):
    first, second = two_rt_officers
    verification = submit(DUSUN_RT)
    verification_return(actor=first, verification_id=verification.pk, expected_version=1, reason="Foto buram", fields=["photo"])
    result = verification_bulk_approve(actor=second, verification_ids=[verification.pk], versions={verification.pk: 1})
    assert result.approved == [] and verification.pk in result.refused
    verification.refresh_from_db()
    assert verification.status == "returned"
    assert decided(verification) == ["return"]


# --- Truly at once: two threads, each with its own database connection ---------------


def test_two_officers_deciding_at_the_same_moment_one_wins(committed_db, submit, two_rt_officers):
    first, second = two_rt_officers
    verification = submit(DUSUN_RT)
    outcomes = race(
        lambda: verification_approve(actor=first, verification_id=verification.pk, expected_version=1),
        lambda: verification_reject(actor=second, verification_id=verification.pk, expected_version=1, reason="Usaha fiktif"),
    )
    winners = [o for o in outcomes if isinstance(o, Verification)]
    losers = [o for o in outcomes if isinstance(o, StaleDecision)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    verification.refresh_from_db()
    assert verification.version == 2
    assert decided(verification) == ["approve" if winners[0].status == "waiting" else "reject"]
    assert verification.status == winners[0].status


def test_one_officers_two_requests_at_the_same_moment_approve_once(committed_db, submit, two_rt_officers):
    officer, _ = two_rt_officers
    verification = submit(DUSUN_RT)

    def approve():
        return verification_approve(actor=officer, verification_id=verification.pk, expected_version=1)

    outcomes = race(approve, approve)
    assert sorted(type(o).__name__ for o in outcomes) == ["StaleDecision", "Verification"], outcomes
    assert Decision.objects.filter(verification=verification, action="approve").count() == 1
    verification.refresh_from_db()
    assert (verification.level, verification.version) == ("rw", 2)


def test_a_bulk_approval_and_a_single_reject_at_the_same_moment_decide_once(committed_db, submit, two_rt_officers):
    """Bulk approval takes the same row lock and version check as one by one."""
    first, second = two_rt_officers
    verification = submit(DUSUN_RT)
    bulk, single = race(
        lambda: verification_bulk_approve(actor=first, verification_ids=[verification.pk], versions={verification.pk: 1}),
        lambda: verification_reject(actor=second, verification_id=verification.pk, expected_version=1, reason="Usaha fiktif"),
    )
    verification.refresh_from_db()
    if isinstance(single, StaleDecision):
        assert bulk.approved == [verification.pk] and verification.status == "waiting"
    else:
        assert bulk.approved == [] and verification.pk in bulk.refused and verification.status == "rejected"
    assert verification.version == 2 and len(decided(verification)) == 1
