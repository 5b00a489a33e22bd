"""The rule language: refused when it cannot be evaluated, and evaluated over the registry
into a proposal whose reasons agree with its decisions."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from geliat.programmes.eligibility import explain, ineligible_page
from geliat.programmes.models import OutsideList, OutsideListEntry, Programme, ProposalRow
from geliat.programmes.rules import RuleError, rules_validate
from geliat.programmes.services import enrolment_create, proposal_build
from tests.programmes.conftest import DAWUHANSENGON, GERBO, NGADIREJO, make_programme

# --- Refused when saved ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ({"conditions": [{"field": "omzet", "op": "gte", "value": 1}]}, "isian “omzet” tidak dikenal"),
        ({"conditions": [{"field": "revenue_drop_pct", "op": "gte", "value": "tiga puluh"}]}, "salah jenis"),
        ({"conditions": [{"field": "revenue_drop_pct", "op": "gte", "value": 130}]}, "salah jenis"),
        ({"conditions": [{"field": "affected_group", "op": "in", "value": [2, 11]}]}, "“11” tidak berlaku"),
        ({"conditions": [{"field": "affected_group", "op": "gte", "value": 2}]}, "operator “gte” tidak berlaku"),
        ({"conditions": [{"field": "verified", "op": "is", "value": "ya"}]}, "salah jenis"),
        ({"conditions": [{"field": "verified", "op": "is"}]}, "nilai (value) belum diisi"),
        ({"conditions": [{"field": "region", "op": "within", "value": ["Purwodadi"]}]}, "tidak berlaku"),
        ({"conditions": [{"field": "excluded_by", "op": "none_of", "value": ["pns"]}]}, "“pns” tidak berlaku"),
        ({"conditions": [{"field": "programmes", "op": "none_of", "value": ["tidak-ada"]}]}, "kode program tidak-ada tidak ada di katalog"),
        ({"conditions": [{"any": []}]}, "“any” harus berupa daftar"),
        ({"syarat": []}, "Kunci syarat tidak dikenal"),
        ([1, 2], "Aturan harus berupa objek JSON"),
    ],
)
def test_a_rule_that_cannot_be_evaluated_is_refused_with_the_reason(db, rules, expected):
    """Unknown field, wrong type, wrong operator, unknown list or programme: refused, saying which and why."""
    with pytest.raises(RuleError) as refused:
        rules_validate(rules)
    assert expected in " ".join(refused.value.messages)


def test_the_reason_names_the_condition_by_its_position(db):
    """With several conditions the message says which one is wrong."""
    rules = {"conditions": [{"field": "verified", "op": "is", "value": True}, {"field": "size", "op": "in", "value": ["gede"]}]}
    with pytest.raises(RuleError) as refused:
        rules_validate(rules)
    assert refused.value.messages == [
        "Syarat ke-2 (size): “gede” tidak berlaku; isi daftar dari: mikro, kecil, menengah, besar, \"\" (belum diketahui)."
    ]


def test_saving_a_programme_with_a_bad_rule_is_refused_whatever_saves_it(db):
    """The model refuses on save too (seeds, admin, shell), not only in forms."""
    with pytest.raises(ValidationError) as refused:
        make_programme("rusak", rules={"conditions": [{"field": "usia", "op": "gte", "value": 60}]})
    assert "rules" in refused.value.message_dict
    assert not Programme.objects.filter(code="rusak").exists()


def test_valid_rules_are_accepted(db):
    """Each field with a value of the right type passes."""
    make_programme("kur-uji")
    rules_validate({"conditions": [
        {"field": "affected_group", "op": "in", "value": [2, 10]},
        {"field": "size", "op": "not_in", "value": ["besar", ""]},
        {"field": "region", "op": "within", "value": ["35.14.01"]},
        {"field": "verified", "op": "is", "value": True},
        {"field": "revenue_drop_pct", "op": "gte", "value": 30},
        {"field": "owner_age", "op": "lte", "value": 64},
        {"field": "excluded_by", "op": "none_of", "value": ["asn", "kur_debtor"]},
        {"field": "programmes", "op": "none_of", "value": ["kur-uji"]},
        {"any": [{"field": "owner_sex", "op": "eq", "value": "P"}, {"field": "koperasi_member", "op": "is", "value": True}]},
    ]})


# --- Evaluated over the registry ----------------------------------------------------------


def _proposed(programme, actor) -> set[int]:
    proposal = proposal_build(actor=actor, programme=programme)
    return set(ProposalRow.objects.filter(proposal=proposal).values_list("business_id", flat=True))


def test_a_proposal_takes_exactly_the_businesses_meeting_every_condition(make_business, cash_aid, agency_user):
    """Verified micro food stalls and processed food are in; others are out."""
    stall = make_business(affected_group=2)
    snacks = make_business(affected_group=10)
    make_business(affected_group=5)  # farm labour: wrong group
    make_business(affected_group=2, verified=False)  # waiting at the desa
    make_business(affected_group=2, capital=3_000_000_000, annual_sales=20_000_000_000)  # medium, not micro
    assert _proposed(cash_aid, agency_user) == {stall.pk, snacks.pk}


def test_the_proposal_counts_how_many_fail_each_condition(make_business, cash_aid, agency_user):
    """The summary says how many businesses each condition kept out."""
    make_business(affected_group=2)
    make_business(affected_group=5)
    make_business(affected_group=5, verified=False)
    proposal = proposal_build(actor=agency_user, programme=cash_aid)
    assert (proposal.evaluated, proposal.eligible) == (3, 1)
    assert proposal.failed_counts == {"c1": 2, "c2": 0, "c3": 1, "not_enrolled": 0, "overlap": 0}


def test_revenue_drop_region_and_age_are_evaluated(make_business, agency, agency_user, person_factory):
    """Revenue drop of at least 30%, inside Kecamatan Purwodadi, owner aged 60 or more on the first day."""
    programme = make_programme(
        "lansia-uji", agencies=[agency], starts_on=datetime.date(2020, 8, 1),
        rules={"conditions": [
            {"field": "revenue_drop_pct", "op": "gte", "value": 30},
            {"field": "region", "op": "within", "value": ["35.14.01"]},
            {"field": "owner_age", "op": "gte", "value": 60},
        ]},
    )
    old = datetime.date(1960, 8, 1)  # 60 on 1 August 2020
    young = datetime.date(1960, 8, 2)  # 60 the next day
    dropped = make_business(DAWUHANSENGON, revenue_before=10_000_000, revenue_now=7_000_000, owner=person_factory(birth_date=old))
    make_business(GERBO, revenue_before=10_000_000, revenue_now=7_100_000, owner=person_factory(birth_date=old))  # 29%
    make_business(NGADIREJO, revenue_before=10_000_000, revenue_now=1_000_000, owner=person_factory(birth_date=old))  # elsewhere
    make_business(GERBO, revenue_before=10_000_000, revenue_now=1_000_000, owner=person_factory(birth_date=young))
    make_business(GERBO, revenue_before=None, revenue_now=1_000_000, owner=person_factory(birth_date=old))  # unknown
    assert _proposed(programme, agency_user) == {dropped.pk}


def test_an_excluded_person_is_out_with_the_list_named(make_business, agency, agency_user):
    """Someone matched on an active ASN exclusion list is out of BPUM-like programmes; a list switched off no longer excludes."""
    programme = make_programme("bpum-uji", agencies=[agency], rules={"conditions": [
        {"field": "excluded_by", "op": "none_of", "value": ["asn", "tni", "polri", "bumn_bumd", "kur_debtor"]},
    ]})
    civil_servant = make_business()
    other = make_business()
    asn = OutsideList.objects.create(code="asn-2020", name="ASN Pemkab", kind="exclusion", category="asn")
    OutsideListEntry.objects.create(outside_list=asn, row_number=1, person=civil_servant.owner, match="nik")
    assert _proposed(programme, agency_user) == {other.pk}
    verdict = explain(programme, civil_servant)
    assert not verdict.eligible
    assert verdict.failed == ["tercantum di daftar pengecualian tidak tercantum di ASN, TNI, Polri, Pegawai BUMN/BUMD, Debitur KUR/perbankan aktif"]
    asn.active = False
    asn.save()
    assert _proposed(programme, agency_user) == {other.pk, civil_servant.pk}


def test_one_person_with_two_businesses_is_proposed_once(make_business, cash_aid, agency_user):
    """A benefit counts per person: the owner's second stall is not a second row."""
    first = make_business()
    make_business(owner=first.owner)
    assert _proposed(cash_aid, agency_user) == {first.pk}


def test_records_merged_by_dedup_are_proposed_once(make_business, cash_aid, agency_user):
    """Two records of one person (merged) are one identity: one row."""
    survivor = make_business()
    duplicate = make_business()
    duplicate.owner.merged_into = survivor.owner
    duplicate.owner.save()
    assert len(_proposed(cash_aid, agency_user)) == 1


def test_someone_already_enrolled_in_the_class_is_out_naming_the_programme(make_business, cash_aid, agency, agency_user):
    """The implicit overlap condition: a person receiving another programme of the class in the period is out, and the page says which."""
    other = make_programme("bpum-lain", agencies=[agency], overlap_class="bantuan_produktif",
                           starts_on=datetime.date(2020, 12, 1), ends_on=datetime.date(2021, 2, 28))
    business = make_business()
    enrolment_create(actor=agency_user, programme=other, person=business.owner, business=business)
    proposal = proposal_build(actor=agency_user, programme=cash_aid)
    assert proposal.eligible == 0 and proposal.failed_counts["overlap"] == 1
    page = ineligible_page(proposal, user=agency_user)
    [verdict] = page.verdicts
    assert verdict.business == business and verdict.conflict == other
    assert verdict.failed == ["tidak menerima program lain sekelas (bantuan_produktif) pada periode yang beririsan"]


def test_a_programme_of_the_class_in_another_period_does_not_exclude(make_business, cash_aid, agency, agency_user):
    """BPUM 2020 and 2021 share a class but not a period: having one does not exclude from the other."""
    later = make_programme("bpum-2021-uji", agencies=[agency], overlap_class="bantuan_produktif",
                           starts_on=datetime.date(2021, 3, 1), ends_on=datetime.date(2021, 9, 30))
    business = make_business()
    enrolment_create(actor=agency_user, programme=later, person=business.owner, business=business)
    assert _proposed(cash_aid, agency_user) == {business.pk}


def test_the_reasons_shown_agree_with_the_decision(make_business, cash_aid, agency_user):
    """Every business out has at least one failed reason; every one in has none."""
    for group in (2, 5, 10, 3):
        make_business(affected_group=group)
    make_business(affected_group=2, verified=False)
    proposal = proposal_build(actor=agency_user, programme=cash_aid)
    out = ineligible_page(proposal, user=agency_user).verdicts
    inside = set(ProposalRow.objects.filter(proposal=proposal).values_list("business_id", flat=True))
    assert len(out) + len(inside) == proposal.evaluated
    assert all(v.failed and v.business.pk not in inside for v in out)
    for business_id in inside:
        from geliat.registry.models import Business

        assert explain(cash_aid, Business.objects.get(pk=business_id)).failed == []


def test_ineligible_pages_only_show_an_officers_region(make_business, cash_aid, agency_user, desa_officer):
    """A desa officer reading a proposal sees the ineligible businesses of their desa only."""
    mine = make_business(GERBO, affected_group=5)
    make_business(NGADIREJO, affected_group=5)
    proposal = proposal_build(actor=agency_user, programme=cash_aid)
    assert [v.business.pk for v in ineligible_page(proposal, user=desa_officer).verdicts] == [mine.pk]


def test_both_shapes_of_each_condition_give_the_same_answer(make_business, agency, agency_user):
    """The set shape (proposals) and the row shape (reasons, counts) of every condition select the same businesses,
    across merged records, exclusion lists and enrolments in the class."""
    from geliat.programmes.rules import compile_conditions, evaluation_queryset

    other = make_programme("bentuk-lain", agencies=[agency], overlap_class="kelas_uji")
    programme = make_programme("bentuk-uji", agencies=[agency], overlap_class="kelas_uji", rules={"conditions": [
        {"field": "excluded_by", "op": "none_of", "value": ["asn"]},
        {"field": "verified", "op": "is", "value": True},
        {"any": [{"field": "owner_sex", "op": "eq", "value": "P"}, {"field": "revenue_drop_pct", "op": "gte", "value": 50}]},
        {"field": "programmes", "op": "none_of", "value": ["bentuk-lain"]},
    ]})
    businesses = [make_business(verified=i % 3 != 0, revenue_before=10, revenue_now=i % 10) for i in range(12)]
    for survivor, duplicate in ((0, 1), (4, 5)):
        businesses[duplicate].owner.merged_into = businesses[survivor].owner
        businesses[duplicate].owner.save()
    asn = OutsideList.objects.create(code="asn-bentuk", name="ASN", kind="exclusion", category="asn")
    OutsideListEntry.objects.create(outside_list=asn, row_number=1, person=businesses[1].owner, match="nik")
    enrolment_create(actor=agency_user, programme=other, person=businesses[5].owner, business=businesses[5])
    enrolment_create(actor=agency_user, programme=programme, person=businesses[7].owner, business=businesses[7])
    for condition in compile_conditions(programme):
        by_set = set(evaluation_queryset().filter(condition.q).values_list("pk", flat=True))
        by_row = set(evaluation_queryset().filter(condition.flag).values_list("pk", flat=True))
        assert by_set == by_row, condition.key
    # The merged pair (0, 1) is excluded through the duplicate's ASN entry; (4, 5) through the duplicate's enrolment.
    [excluded] = [c for c in compile_conditions(programme) if c.key == "c1"]
    assert not evaluation_queryset().filter(excluded.q, pk__in=[businesses[0].pk, businesses[1].pk]).exists()
    [overlap] = [c for c in compile_conditions(programme) if c.key == "overlap"]
    assert not evaluation_queryset().filter(overlap.q, pk__in=[businesses[4].pk, businesses[5].pk]).exists()


def test_ineligible_pages_follow_each_other_without_gaps(make_business, cash_aid, agency_user):
    """Pages of 2 after the last id shown cover every business out, once."""
    out = {make_business(affected_group=5).pk for _ in range(5)}
    make_business()
    proposal = proposal_build(actor=agency_user, programme=cash_aid)
    seen, after = [], 0
    while True:
        page = ineligible_page(proposal, user=agency_user, after=after, per_page=2)
        seen += [v.business.pk for v in page.verdicts]
        if not page.has_next:
            break
        after = page.next_after
    assert sorted(seen) == sorted(out)
