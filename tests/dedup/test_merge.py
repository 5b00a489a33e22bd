"""Merging two records of one person and undoing it: nothing is lost, history is kept,
the survivor is who programmes count, and undo restores exactly what the merge changed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from geliat.audit.models import AuditEvent
from geliat.dedup.models import CandidatePair, Merge
from geliat.dedup.services import (
    ABSORBED,
    SURVIVOR,
    MergeRefused,
    PairAlreadyDecided,
    candidates_for_people,
    pair_decide_same,
    person_merge,
    person_unmerge,
)
from geliat.registry.models import Business, Channel, Person, Registration
from geliat.registry.selectors import record_history
from geliat.registry.services import person_update
from tests.dedup.test_workflow_support import GERBO, GERBO_RT, officer, stranger, twins
from tests.factories import BusinessFactory


@pytest.fixture
def desa_officer(regions):
    return officer(GERBO)


@pytest.fixture
def pair(regions):
    """The twins with their businesses and registrations, found as an open pair."""
    first, second = twins()
    for person in (first, second):
        business = BusinessFactory(owner=person, region=person.region)
        Registration.objects.create(person=person, business=business, channel=Channel.OFFICER)
    candidates_for_people(person_ids=[first.pk, second.pk])
    return CandidatePair.objects.get(left=first, right=second)


def _merge(actor, pair, *, survivor=None, **choices) -> Merge:
    return pair_decide_same(
        actor=actor, pair_id=pair.pk, expected_version=pair.version,
        survivor_id=(survivor or pair.left).pk, choices=choices,
    )


def test_the_twins_are_found_as_an_open_pair_with_their_evidence(pair):
    """The pair carries a high probability and marks which fields agreed."""
    assert pair.status == "open" and pair.probability >= 0.9
    assert pair.levels["birth_date"] == "exact" and pair.levels["nik"] == "close"


def test_merge_keeps_both_records_their_businesses_and_registrations(pair, desa_officer):
    """The absorbed record stays with its own data, business and registration; it points at the survivor."""
    absorbed_before = Person.objects.values().get(pk=pair.right_id)
    businesses = set(Business.objects.filter(owner=pair.right).values_list("pk", flat=True))
    merge = _merge(desa_officer, pair)
    absorbed = Person.objects.get(pk=pair.right_id)
    assert absorbed.merged_into_id == pair.left_id and absorbed.identity_id == pair.left_id
    after = Person.objects.values().get(pk=pair.right_id)
    changed = {k for k in after if after[k] != absorbed_before[k]}
    assert changed <= {"merged_into_id", "version", "updated_at"}
    assert set(Business.objects.filter(owner=absorbed).values_list("pk", flat=True)) == businesses
    assert Registration.objects.filter(person=absorbed).count() == 1
    assert merge.survivor_id == pair.left_id and not merge.is_reversed
    pair.refresh_from_db()
    assert (pair.status, pair.merge_id, pair.decided_by_id) == ("same", merge.pk, desa_officer.pk)


def test_the_chosen_values_are_written_to_the_survivor_with_history(pair, desa_officer):
    """Taking the absorbed record's name writes it through the registry's versioned update, audited."""
    survivor = pair.left
    version = survivor.version
    merge = _merge(desa_officer, pair, full_name=ABSORBED, phone=SURVIVOR)
    survivor.refresh_from_db()
    assert survivor.full_name == "MUHAMMAD SHOLEH" and survivor.version == version + 1
    assert merge.changes == {"full_name": ["Moch. Sholeh", "MUHAMMAD SHOLEH"]}
    update = record_history(survivor).filter(action=AuditEvent.Action.UPDATE).first()
    assert update.before == {"full_name": "Moch. Sholeh"} and update.after == {"full_name": "MUHAMMAD SHOLEH"}
    assert update.actor == desa_officer
    absorbed_event = record_history(pair.right).filter(action=AuditEvent.Action.UPDATE).first()
    assert absorbed_event.after == {"merged_into": survivor.pk}
    merge_event = AuditEvent.objects.get(object_type="dedup.merge", object_id=str(merge.pk))
    assert merge_event.before["survivor"]["full_name"] == "Moch. Sholeh"
    assert merge_event.before["absorbed"]["full_name"] == "MUHAMMAD SHOLEH"
    assert merge_event.after["changes"] == {"full_name": ["Moch. Sholeh", "MUHAMMAD SHOLEH"]}


def test_the_survivor_keeps_its_nik_and_the_other_nik_stays_on_the_absorbed_record(pair, desa_officer):
    """NIK is never a choice: choose the other record as survivor to keep its NIK."""
    left_nik, right_nik = pair.left.nik, pair.right.nik
    _merge(desa_officer, pair, survivor=pair.right)
    assert Person.objects.get(pk=pair.right_id).nik == right_nik
    assert Person.objects.get(pk=pair.left_id).nik == left_nik
    assert Person.objects.get(pk=pair.left_id).merged_into_id == pair.right_id
    with pytest.raises(MergeRefused) as refused:
        person_merge(actor=desa_officer, survivor=pair.right, absorbed=stranger(region=GERBO_RT), choices={"nik": ABSORBED})
    assert "NIK tidak dapat dipilih" in refused.value.messages[0]


def test_choosing_the_address_takes_street_rt_rw_and_region_together(regions, desa_officer):
    """An address is one choice: never the street of one record and the RT of the other; undo moves it back."""
    first, second = twins(other_region=GERBO + ".D01.RW002.RT003", address="Jl. Melati 3")
    merge = person_merge(actor=desa_officer, survivor=first, absorbed=second, choices={"address": ABSORBED})
    first.refresh_from_db()
    assert (first.address, first.region_id, first.rw, first.rt) == (
        "Jl. Melati 3", GERBO + ".D01.RW002.RT003", second.rw, second.rt
    )
    assert set(merge.changes) == {"address", "region", "rw", "rt"}
    person_unmerge(actor=desa_officer, merge_id=merge.pk)
    first.refresh_from_db()
    assert (first.address, first.region_id) == ("Jl. Raya Gerbo 12", GERBO_RT)


def test_undo_restores_exactly_and_reopens_the_pair(pair, desa_officer):
    """Undo puts the survivor's changed fields back, frees the absorbed record, and asks the pair again."""
    before = model_values(pair.left)
    merge = _merge(desa_officer, pair, full_name=ABSORBED, birth_place=ABSORBED)
    person_unmerge(actor=desa_officer, merge_id=merge.pk)
    survivor = Person.objects.get(pk=pair.left_id)
    assert model_values(survivor) == before
    assert Person.objects.get(pk=pair.right_id).merged_into_id is None
    merge.refresh_from_db()
    assert merge.reversed_by == desa_officer and merge.reversed_at is not None
    pair.refresh_from_db()
    assert pair.status == "open" and pair.merge_id is None
    # The history shows both the merge's change and its undoing.
    updates = list(record_history(survivor).filter(action=AuditEvent.Action.UPDATE).values_list("after", flat=True))
    assert {"full_name": "Moch. Sholeh", "birth_place": "Pasuruan"} in updates
    assert AuditEvent.objects.filter(object_type="dedup.merge", object_id=str(merge.pk)).count() == 2


def model_values(person: Person) -> dict:
    person.refresh_from_db()
    return {f: getattr(person, f) for f in ("full_name", "birth_place", "birth_date", "phone", "address", "region_id")}


def test_undo_is_refused_when_a_merged_field_was_edited_since(pair, desa_officer):
    """A later edit of a field the merge wrote would be lost: undo says which field and changes nothing."""
    merge = _merge(desa_officer, pair, full_name=ABSORBED)
    survivor = Person.objects.get(pk=pair.left_id)
    person_update(actor=desa_officer, person=survivor, data={"full_name": "Muhammad Sholeh"}, expected_version=survivor.version)
    with pytest.raises(MergeRefused) as refused:
        person_unmerge(actor=desa_officer, merge_id=merge.pk)
    assert "nama lengkap" in refused.value.messages[0]
    assert Person.objects.get(pk=pair.right_id).merged_into_id == pair.left_id
    merge.refresh_from_db()
    assert not merge.is_reversed


def test_undo_keeps_later_edits_of_fields_the_merge_did_not_touch(pair, desa_officer):
    """Editing another field after the merge does not block undo, and the edit stays."""
    merge = _merge(desa_officer, pair, full_name=ABSORBED)
    survivor = Person.objects.get(pk=pair.left_id)
    person_update(actor=desa_officer, person=survivor, data={"phone": "+6281399988877"}, expected_version=survivor.version)
    person_unmerge(actor=desa_officer, merge_id=merge.pk)
    survivor.refresh_from_db()
    assert (survivor.full_name, survivor.phone) == ("Moch. Sholeh", "+6281399988877")


def test_undoing_twice_is_refused_clearly(pair, desa_officer):
    merge = _merge(desa_officer, pair)
    person_unmerge(actor=desa_officer, merge_id=merge.pk)
    with pytest.raises(MergeRefused) as refused:
        person_unmerge(actor=desa_officer, merge_id=merge.pk)
    assert "sudah dibatalkan" in refused.value.messages[0]


def test_merges_stay_flat_and_undo_in_reverse_order(regions, desa_officer):
    """B into A, then A into C: B points at C directly; undoing B→A first is refused until A→C is undone."""
    a, b = twins()
    c = stranger(region=GERBO_RT, full_name="Moch Sholeh", sex="L", birth_date=a.birth_date)
    first = person_merge(actor=desa_officer, survivor=a, absorbed=b)
    second = person_merge(actor=desa_officer, survivor=c, absorbed=Person.objects.get(pk=a.pk))
    assert Person.objects.get(pk=b.pk).merged_into_id == c.pk
    assert Person.objects.get(pk=a.pk).merged_into_id == c.pk
    assert second.repointed == [b.pk]
    with pytest.raises(MergeRefused) as refused:
        person_unmerge(actor=desa_officer, merge_id=first.pk)
    assert "Batalkan dulu" in refused.value.messages[0]
    person_unmerge(actor=desa_officer, merge_id=second.pk)
    assert Person.objects.get(pk=b.pk).merged_into_id == a.pk
    assert Person.objects.get(pk=a.pk).merged_into_id is None
    person_unmerge(actor=desa_officer, merge_id=first.pk)
    assert Person.objects.get(pk=b.pk).merged_into_id is None


def test_a_merged_away_record_cannot_be_merged_again(pair, desa_officer):
    _merge(desa_officer, pair)
    other = stranger(region=GERBO_RT)
    with pytest.raises(MergeRefused) as refused:
        person_merge(actor=desa_officer, survivor=other, absorbed=Person.objects.get(pk=pair.right_id))
    assert "sudah digabung ke data lain" in refused.value.messages[0]


def test_the_absorbed_records_other_pairs_are_asked_again_against_the_survivor(regions, desa_officer):
    """C looked like B; once B is merged into A, the question becomes A and C, and undo brings B and C back."""
    a, b = twins()
    c = stranger(region=GERBO_RT, full_name="M. Sholeh", sex="L", birth_date=b.birth_date, phone=b.phone, nik=b.nik[:-2] + "77")
    candidates_for_people(person_ids=[a.pk, b.pk, c.pk])
    b_c = CandidatePair.objects.get(left=b, right=c)
    assert b_c.status == "open"
    merge = person_merge(actor=desa_officer, survivor=a, absorbed=b)
    b_c.refresh_from_db()
    assert b_c.status == "obsolete"
    assert CandidatePair.objects.filter(left=a, right=c, status="open").exists()
    person_unmerge(actor=desa_officer, merge_id=merge.pk)
    b_c.refresh_from_db()
    assert b_c.status == "open"


def test_nobody_outside_both_regions_merges(regions):
    """A desa officer cannot merge their resident with one living in another desa."""
    first, second = twins(other_region="35.14.01.2002")
    candidates_for_people(person_ids=[first.pk, second.pk])
    pair = CandidatePair.objects.get(left=first, right=second)
    with pytest.raises(PermissionDenied):
        _merge(officer(GERBO), pair)
    assert Person.objects.get(pk=second.pk).merged_into_id is None
    merge = _merge(officer("35.14.01"), pair)  # the kecamatan covers both
    assert merge.absorbed_id == second.pk


def test_a_stale_form_is_refused_after_another_decision(pair, desa_officer):
    """Merging with the version the officer saw, after someone decided, tells them so."""
    version = pair.version
    _merge(desa_officer, pair)
    with pytest.raises(PairAlreadyDecided) as refused:
        pair_decide_same(actor=officer(GERBO), pair_id=pair.pk, expected_version=version, survivor_id=pair.right_id, choices={})
    assert "sudah diputuskan petugas lain" in refused.value.messages[0]


def test_birth_date_chosen_from_the_absorbed_record_is_restored_by_undo(regions, desa_officer):
    first, second = twins(birth_date=datetime.date(1980, 5, 18))
    merge = person_merge(actor=desa_officer, survivor=first, absorbed=second, choices={"birth_date": ABSORBED})
    assert Person.objects.get(pk=first.pk).birth_date == datetime.date(1980, 5, 18)
    person_unmerge(actor=desa_officer, merge_id=merge.pk)
    assert Person.objects.get(pk=first.pk).birth_date == datetime.date(1980, 5, 17)
