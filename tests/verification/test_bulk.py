"""Bulk approval: the one-by-one rules for each record, a reason for every refusal."""

import pytest

from geliat.audit.models import AuditEvent
from geliat.verification.models import Decision, Verification
from geliat.verification.services import verification_approve, verification_bulk_approve
from tests.factories import UserFactory
from tests.verification.conftest import DUSUN_RT, DUSUN_RT2, GERBO

MISSING = 999_999


@pytest.fixture
def mixed(submit, officers):
    """Records around the RT 1 officer: two in their queue, one at another RT, one already
    approved up to RW, and one in their queue whose version the officer saw is out of date."""
    own = [submit(DUSUN_RT), submit(DUSUN_RT)]
    other_node = submit(DUSUN_RT2)
    passed = submit(DUSUN_RT)
    passed = verification_approve(actor=officers[DUSUN_RT], verification_id=passed.pk, expected_version=1)
    stale = submit(DUSUN_RT)
    Verification.objects.filter(pk=stale.pk).update(version=2)
    stale.refresh_from_db()
    return {"own": own, "other_node": other_node, "wrong_level": passed, "stale": stale}


def test_bulk_approves_exactly_the_eligible_records_and_says_why_the_others_were_refused(mixed, officers):
    officer = officers[DUSUN_RT]
    own, other, passed, stale = mixed["own"], mixed["other_node"], mixed["wrong_level"], mixed["stale"]
    ids = [own[0].pk, other.pk, passed.pk, stale.pk, MISSING, own[1].pk]
    versions = {v.pk: 1 for v in (*own, other, stale)} | {passed.pk: passed.version}

    result = verification_bulk_approve(actor=officer, verification_ids=ids, versions=versions)

    assert result.approved == [own[0].pk, own[1].pk]
    assert set(result.refused) == {other.pk, passed.pk, stale.pk, MISSING}
    assert "petugas wilayah lain pada tingkat yang sama" in result.refused[other.pk]
    assert "di atas tingkat Anda" in result.refused[passed.pk]
    assert "petugas lain sejak Anda membukanya" in result.refused[stale.pk]
    assert result.refused[MISSING] == "Data tidak ditemukan."
    for verification in own:
        verification.refresh_from_db()
        assert (verification.level, verification.node_code, verification.version) == ("rw", GERBO + ".D01.RW001", 2)
    for verification, level in ((other, "rt"), (passed, "rw"), (stale, "rt")):
        before = verification.version
        verification.refresh_from_db()
        assert (verification.level, verification.version) == (level, before)


def test_bulk_leaves_one_decision_per_approval_and_one_audit_event(mixed, officers):
    officer = officers[DUSUN_RT]
    ids = [v.pk for v in (*mixed["own"], mixed["other_node"], mixed["wrong_level"])]
    decisions_before = Decision.objects.count()

    verification_bulk_approve(actor=officer, verification_ids=ids)

    added = Decision.objects.order_by("id")[decisions_before:]
    assert [(d.verification_id, d.action, d.level, d.actor) for d in added] == [
        (mixed["own"][0].pk, "approve", "rt", officer),
        (mixed["own"][1].pk, "approve", "rt", officer),
    ]
    event = AuditEvent.objects.get(object_type="verification.bulk")
    assert (event.actor, event.region_code) == (officer, DUSUN_RT)
    assert event.after == {"approved": 2, "refused": 2}


def test_bulk_approval_records_skipped_levels_like_single_approval(submit, officers):
    """An RW directly under the desa: the bulk approval at RW moves the record to the desa
    and records the skipped dusun, as one by one would."""
    rw = "35.14.01.2002.RW001"
    verification = submit(rw + ".RT001")
    verification = verification_approve(actor=officers[rw + ".RT001"], verification_id=verification.pk, expected_version=1)

    result = verification_bulk_approve(actor=officers[rw], verification_ids=[verification.pk])

    verification.refresh_from_db()
    assert result.approved == [verification.pk] and verification.level == "desa"
    assert list(verification.decisions.values_list("action", "level")) == [
        ("start", ""), ("approve", "rt"), ("approve", "rw"), ("skip", "dusun"),
    ]


def test_bulk_approval_at_kabupaten_verifies(submit, officers):
    verification = submit("35.14.01.2001")
    for node in ("35.14.01.2001", "35.14.01"):
        verification = verification_approve(actor=officers[node], verification_id=verification.pk, expected_version=verification.version)
    result = verification_bulk_approve(actor=officers["35.14"], verification_ids=[verification.pk])
    verification.refresh_from_db()
    assert result.approved == [verification.pk] and verification.status == "verified"


def test_an_id_listed_twice_is_approved_once_and_not_also_refused(submit, officers):
    verification = submit(DUSUN_RT)
    result = verification_bulk_approve(actor=officers[DUSUN_RT], verification_ids=[verification.pk, verification.pk])
    assert (result.approved, result.refused) == ([verification.pk], {})
    assert verification.decisions.filter(action="approve").count() == 1


@pytest.mark.parametrize("role", ["coordinator", "agency"])
def test_bulk_by_a_coordinator_or_agency_user_approves_nothing_and_writes_nothing(submit, role):
    verification = submit(DUSUN_RT)
    user = UserFactory.at(DUSUN_RT if role == "agency" else "35.14", role=role)
    result = verification_bulk_approve(actor=user, verification_ids=[verification.pk])
    assert result.approved == []
    assert "Hanya petugas wilayah" in result.refused[verification.pk]
    assert verification.decisions.count() == 1
    assert not AuditEvent.objects.filter(object_type="verification.bulk").exists()
