"""Enrolment: confirming proposals, refusing doubled benefits and full quotas, cancelling,
recording deliveries; every step in the audit trail."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from geliat.audit.models import AuditEvent
from geliat.programmes.models import Enrolment, EnrolmentClaim, ProposalRow
from geliat.programmes.services import (
    EnrolmentRefused,
    delivery_record,
    enrolment_cancel,
    enrolment_create,
    proposal_build,
    proposal_row_refuse,
    proposal_rows_confirm,
)
from tests.programmes.conftest import make_programme


@pytest.fixture
def second_aid(agency):
    """Another programme of class bantuan_produktif whose period overlaps the cash aid's."""
    return make_programme(
        "bantuan-kedua", name="Bantuan Kedua", agencies=[agency], overlap_class="bantuan_produktif",
        starts_on=datetime.date(2020, 10, 1), ends_on=datetime.date(2021, 3, 31),
    )


def test_the_agency_confirms_proposed_rows_in_bulk(make_business, cash_aid, agency_user):
    """Ticked rows become confirmed enrolments of the owner for that business, audited."""
    businesses = [make_business() for _ in range(3)]
    proposal = proposal_build(actor=agency_user, programme=cash_aid)
    rows = list(ProposalRow.objects.filter(proposal=proposal).order_by("pk"))
    result = proposal_rows_confirm(actor=agency_user, proposal=proposal, row_ids=[r.pk for r in rows[:2]])
    assert result.refused == {}
    enrolled = Enrolment.objects.filter(programme=cash_aid, status="confirmed")
    assert sorted(enrolled.values_list("business_id", flat=True)) == sorted(b.pk for b in businesses[:2])
    assert all(e.confirmed_by == agency_user and e.person == e.business.owner for e in enrolled)
    assert ProposalRow.objects.get(pk=rows[0].pk).status == "confirmed"
    assert ProposalRow.objects.get(pk=rows[2].pk).status == "pending"
    event = AuditEvent.objects.filter(object_type="programmes.enrolment").latest("at")
    assert event.actor == agency_user and len(event.after["enrolments"]) == 2


def test_a_row_confirmed_twice_is_not_enrolled_twice(make_business, cash_aid, agency_user):
    """Sending the same confirmation again refuses the rows already decided."""
    make_business()
    proposal = proposal_build(actor=agency_user, programme=cash_aid)
    row = proposal.rows.get()
    proposal_rows_confirm(actor=agency_user, proposal=proposal, row_ids=[row.pk])
    again = proposal_rows_confirm(actor=agency_user, proposal=proposal, row_ids=[row.pk])
    assert again.confirmed == [] and "Sudah diputuskan" in again.refused[row.pk]
    assert Enrolment.objects.filter(programme=cash_aid).count() == 1


def test_an_enrolment_doubling_a_benefit_is_refused_naming_the_programme(make_business, cash_aid, second_aid, agency_user):
    """Same class, overlapping period, same person: refused, and the message names the programme received."""
    business = make_business()
    enrolment_create(actor=agency_user, programme=cash_aid, person=business.owner, business=business)
    with pytest.raises(EnrolmentRefused) as refused:
        enrolment_create(actor=agency_user, programme=second_aid, person=business.owner, business=business)
    assert refused.value.conflicting == cash_aid
    assert "sudah menerima Bantuan Uji (kelas bantuan_produktif, 01/08/2020–31/12/2020)" in refused.value.message
    assert "beririsan dengan Bantuan Kedua" in refused.value.message
    assert Enrolment.objects.filter(programme=second_aid).count() == 0


def test_two_records_of_one_merged_person_are_one_person(make_business, cash_aid, second_aid, agency_user):
    """Dedup merged the duplicate into the survivor: the survivor's benefit blocks the duplicate's, both ways."""
    survivor = make_business()
    duplicate = make_business()
    duplicate.owner.merged_into = survivor.owner
    duplicate.owner.save()
    enrolment_create(actor=agency_user, programme=cash_aid, person=duplicate.owner, business=duplicate)
    with pytest.raises(EnrolmentRefused) as refused:
        enrolment_create(actor=agency_user, programme=second_aid, person=survivor.owner, business=survivor)
    assert refused.value.conflicting == cash_aid
    with pytest.raises(EnrolmentRefused):
        enrolment_create(actor=agency_user, programme=cash_aid, person=survivor.owner, business=survivor)


def test_a_merge_made_after_enrolment_still_counts(make_business, cash_aid, second_aid, agency_user):
    """Enrolled as one record, merged later into another: the survivor is refused the second benefit."""
    first = make_business()
    second = make_business()
    enrolment_create(actor=agency_user, programme=cash_aid, person=first.owner, business=first)
    first.owner.merged_into = second.owner
    first.owner.save()
    with pytest.raises(EnrolmentRefused):
        enrolment_create(actor=agency_user, programme=second_aid, person=second.owner, business=second)


def test_bulk_confirmation_refuses_doubles_and_keeps_the_rest(make_business, cash_aid, second_aid, agency_user):
    """In a bulk confirmation the one already benefiting is refused with the reason; the others go through."""
    taken, free = make_business(), make_business()
    enrolment_create(actor=agency_user, programme=cash_aid, person=taken.owner, business=taken)
    proposal = proposal_build(actor=agency_user, programme=second_aid)
    # The proposal already leaves the benefiting person out; force the row in as a stale proposal would have it.
    ProposalRow.objects.create(proposal=proposal, business=taken, person=taken.owner, region_code=taken.region_id)
    rows = {row.business_id: row.pk for row in proposal.rows.all()}
    result = proposal_rows_confirm(actor=agency_user, proposal=proposal, row_ids=list(rows.values()))
    assert [row.business_id for row in result.confirmed] == [free.pk]
    assert "Bantuan Uji" in result.refused[rows[taken.pk]]


def test_a_different_class_or_period_is_allowed(make_business, cash_aid, agency, agency_user):
    """A training (no class) and a cash aid of the class in a later year both go through."""
    business = make_business()
    training = make_programme("pelatihan-uji", agencies=[agency], kind="training")
    later = make_programme("bantuan-2021", agencies=[agency], overlap_class="bantuan_produktif",
                           starts_on=datetime.date(2021, 3, 1), ends_on=datetime.date(2021, 9, 30))
    for programme in (cash_aid, training, later):
        enrolment_create(actor=agency_user, programme=programme, person=business.owner, business=business)
    assert Enrolment.objects.filter(person=business.owner, status="confirmed").count() == 3


def test_over_quota_is_refused(make_business, agency, agency_user):
    """A programme with quota 2 takes two; the third is refused saying the quota is full."""
    programme = make_programme("kuota-dua", agencies=[agency], quota=2, kind="training")
    businesses = [make_business() for _ in range(3)]
    for business in businesses[:2]:
        enrolment_create(actor=agency_user, programme=programme, person=business.owner, business=business)
    with pytest.raises(EnrolmentRefused) as refused:
        enrolment_create(actor=agency_user, programme=programme, person=businesses[2].owner, business=businesses[2])
    assert refused.value.code == "quota" and "Kuota Kuota Dua (2 penerima) sudah penuh" in refused.value.message


def test_bulk_confirmation_stops_at_the_quota(make_business, agency, agency_user):
    """Five proposed, quota three: three confirmed, two refused as over quota."""
    programme = make_programme("kuota-tiga", agencies=[agency], quota=3, kind="training")
    for _ in range(5):
        make_business()
    proposal = proposal_build(actor=agency_user, programme=programme)
    result = proposal_rows_confirm(actor=agency_user, proposal=proposal, row_ids=list(proposal.rows.values_list("pk", flat=True)))
    assert len(result.confirmed) == 3 and len(result.refused) == 2
    assert all("sudah penuh" in reason for reason in result.refused.values())


def test_cancelling_frees_the_class_and_the_quota(make_business, cash_aid, second_aid, agency_user):
    """A cancelled enrolment no longer blocks the person, and its claims are gone; the cancel is audited."""
    business = make_business()
    enrolment = enrolment_create(actor=agency_user, programme=cash_aid, person=business.owner, business=business)
    assert EnrolmentClaim.objects.filter(enrolment=enrolment).count() == 5  # August to December 2020
    enrolment_cancel(actor=agency_user, enrolment=enrolment, reason="Salah orang", expected_version=1)
    assert not EnrolmentClaim.objects.filter(enrolment=enrolment).exists()
    enrolment_create(actor=agency_user, programme=second_aid, person=business.owner, business=business)
    event = AuditEvent.objects.filter(object_type="programmes.enrolment", object_id=str(enrolment.pk)).latest("at")
    assert event.before == {"status": "confirmed"} and event.after["reason"] == "Salah orang"


def test_a_cancel_needs_a_reason(make_business, cash_aid, agency_user):
    """No reason, no cancel: the error names the field."""
    business = make_business()
    enrolment = enrolment_create(actor=agency_user, programme=cash_aid, person=business.owner, business=business)
    with pytest.raises(ValidationError) as refused:
        enrolment_cancel(actor=agency_user, enrolment=enrolment, reason="  ")
    assert "cancel_reason" in refused.value.message_dict


def test_a_delivery_is_recorded_with_who_and_when(make_business, cash_aid, agency_user):
    """Date, amount, recorder; the enrolment becomes delivered; the step is audited with before/after."""
    business = make_business()
    enrolment = enrolment_create(actor=agency_user, programme=cash_aid, person=business.owner, business=business)
    delivery = delivery_record(actor=agency_user, enrolment=enrolment, delivered_on=datetime.date(2020, 9, 15), amount=2_400_000)
    enrolment.refresh_from_db()
    assert enrolment.status == "delivered" and delivery.recorded_by == agency_user
    event = AuditEvent.objects.get(object_type="programmes.delivery", object_id=str(delivery.pk))
    assert event.before == {"enrolment_status": "confirmed"}
    assert event.after["amount"] == 2_400_000 and event.after["enrolment_status"] == "delivered"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"delivered_on": datetime.date(2020, 9, 1)}, "amount", "Isi nilai (Rp) atau barang/jasa"),
        ({"delivered_on": datetime.date(2099, 1, 1), "amount": 1}, "delivered_on", "belum terjadi"),
        ({"delivered_on": datetime.date(2019, 1, 1), "amount": 1}, "delivered_on", "sebelum program dimulai"),
    ],
)
def test_a_delivery_with_bad_input_is_refused_naming_the_field(make_business, cash_aid, agency_user, fields, field, message):
    """Neither amount nor item, a future date, a date before the programme: refused with the field named."""
    business = make_business()
    enrolment = enrolment_create(actor=agency_user, programme=cash_aid, person=business.owner, business=business)
    with pytest.raises(ValidationError) as refused:
        delivery_record(actor=agency_user, enrolment=enrolment, **fields)
    assert message in refused.value.message_dict[field][0]


def test_another_agency_cannot_run_the_programme(make_business, cash_aid, other_agency_user):
    """Staff of an agency not responsible for the programme may not enrol or build proposals."""
    business = make_business()
    with pytest.raises(PermissionDenied):
        enrolment_create(actor=other_agency_user, programme=cash_aid, person=business.owner, business=business)
    with pytest.raises(PermissionDenied):
        proposal_build(actor=other_agency_user, programme=cash_aid)


def test_refusing_a_proposed_row_needs_a_reason_and_is_audited(make_business, cash_aid, agency_user):
    """The agency can decline a proposed business, saying why."""
    make_business()
    proposal = proposal_build(actor=agency_user, programme=cash_aid)
    row = proposal.rows.get()
    with pytest.raises(ValidationError):
        proposal_row_refuse(actor=agency_user, row=row, note="")
    proposal_row_refuse(actor=agency_user, row=row, note="Usaha sudah tutup permanen")
    row.refresh_from_db()
    assert (row.status, row.note) == ("refused", "Usaha sudah tutup permanen")
    assert AuditEvent.objects.filter(object_type="programmes.proposalrow", object_id=str(row.pk)).exists()


def test_a_closed_programme_takes_no_one(make_business, cash_aid, agency_user):
    """Once closed, new enrolments are refused."""
    cash_aid.status = "closed"
    cash_aid.save()
    business = make_business()
    with pytest.raises(EnrolmentRefused) as refused:
        enrolment_create(actor=agency_user, programme=cash_aid, person=business.owner, business=business)
    assert refused.value.code == "closed"


def test_a_merge_that_reveals_a_doubled_benefit_is_shown_to_those_who_see_both(
    client, make_business, person_factory, cash_aid, second_aid, agency_user, coordinator, other_desa_officer
):
    """Two records, each enrolled in one of two programmes of one class before dedup found them to
    be one person: after the merge the recipients page names the person and both programmes, for
    the coordinator; before the merge, or for an officer of another desa, nothing is shown."""
    from geliat.registry.models import Person

    first, second = make_business(), make_business()
    enrolment_create(actor=agency_user, programme=cash_aid, person=first.owner, business=first)
    enrolment_create(actor=agency_user, programme=second_aid, person=second.owner, business=second)
    client.force_login(coordinator)
    url = "/program/penerima/"
    assert 'data-testid="doubled-benefits"' not in client.get(url).content.decode()

    Person.objects.filter(pk=second.owner_id).update(merged_into=first.owner)
    page = client.get(url).content.decode()

    section = page.split('data-testid="doubled-benefits"')[1].split("</section>")[0]
    assert first.owner.full_name in section and "Bantuan Uji" in section and "Bantuan Kedua" in section
    client.force_login(other_desa_officer)
    assert 'data-testid="doubled-benefits"' not in client.get(url).content.decode()
