"""One person enrolled at the same moment in two programmes of one class: exactly one wins.

Real threads, each with its own database connection, on committed rows (SQLite file test
database, where writers wait their turn; PostgreSQL, where the claim rows' unique index
makes the second wait and then fail).
"""

import datetime

import pytest

from geliat.programmes.models import Enrolment, EnrolmentClaim
from geliat.programmes.services import (
    EnrolmentRefused,
    enrolment_create,
    proposal_build,
    proposal_rows_confirm,
)
from tests.concurrency import race
from tests.programmes.conftest import make_programme


@pytest.fixture
def two_of_a_class(committed_db, agency):
    first = make_programme("bansos-a", name="Bansos A", agencies=[agency], overlap_class="bansos_tunai")
    second = make_programme("bansos-b", name="Bansos B", agencies=[agency], overlap_class="bansos_tunai",
                            starts_on=datetime.date(2020, 9, 1), ends_on=datetime.date(2021, 1, 31))
    return first, second


@pytest.mark.parametrize("attempt", range(3))
def test_two_programmes_of_one_class_at_once_enrol_one_person_once(two_of_a_class, make_business, agency_user, attempt):
    """Two agencies' clicks at the same moment: one enrolment lands, the other is refused naming it."""
    first, second = two_of_a_class
    business = make_business()
    outcomes = race(
        lambda: enrolment_create(actor=agency_user, programme=first, person=business.owner, business=business),
        lambda: enrolment_create(actor=agency_user, programme=second, person=business.owner, business=business),
    )
    winners = [o for o in outcomes if isinstance(o, Enrolment)]
    losers = [o for o in outcomes if isinstance(o, EnrolmentRefused)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    assert losers[0].conflicting == winners[0].programme
    assert Enrolment.objects.filter(person=business.owner, status__in=Enrolment.ACTIVE).count() == 1
    assert set(EnrolmentClaim.objects.values_list("enrolment_id", flat=True)) == {winners[0].pk}


def test_two_records_of_one_merged_person_at_once_enrol_once(two_of_a_class, make_business, agency_user):
    """The same person under two merged records, enrolled through each at once: still one benefit."""
    first, second = two_of_a_class
    survivor, duplicate = make_business(), make_business()
    duplicate.owner.merged_into = survivor.owner
    duplicate.owner.save()
    outcomes = race(
        lambda: enrolment_create(actor=agency_user, programme=first, person=survivor.owner, business=survivor),
        lambda: enrolment_create(actor=agency_user, programme=second, person=duplicate.owner, business=duplicate),
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["Enrolment", "EnrolmentRefused"], outcomes
    assert Enrolment.objects.filter(status__in=Enrolment.ACTIVE).count() == 1


def test_two_bulk_confirmations_at_once_never_double_a_person(two_of_a_class, make_business, agency_user):
    """Proposals of both programmes confirmed in bulk at once: each person ends in exactly one of them."""
    first, second = two_of_a_class
    people = [make_business() for _ in range(6)]
    proposals = [proposal_build(actor=agency_user, programme=p) for p in (first, second)]
    outcomes = race(*[
        (lambda proposal=proposal: proposal_rows_confirm(
            actor=agency_user, proposal=proposal, row_ids=list(proposal.rows.values_list("pk", flat=True))))
        for proposal in proposals
    ])
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    for business in people:
        assert Enrolment.objects.filter(person=business.owner, status__in=Enrolment.ACTIVE).count() == 1
    assert sum(len(o.confirmed) for o in outcomes) == 6
    assert sum(len(o.refused) for o in outcomes) == 6


def test_the_last_place_of_a_quota_goes_to_one_of_two(committed_db, agency, make_business, agency_user):
    """Quota 1, two people enrolled at once: one gets it, the other is told the quota is full."""
    programme = make_programme("kuota-satu", agencies=[agency], quota=1, kind="training")
    a, b = make_business(), make_business()
    outcomes = race(
        lambda: enrolment_create(actor=agency_user, programme=programme, person=a.owner, business=a),
        lambda: enrolment_create(actor=agency_user, programme=programme, person=b.owner, business=b),
    )
    refused = [o for o in outcomes if isinstance(o, EnrolmentRefused)]
    assert len(refused) == 1 and refused[0].code == "quota", outcomes
    assert Enrolment.objects.filter(programme=programme).count() == 1
