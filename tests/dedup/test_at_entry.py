"""At entry: a new registration or import row gets its likely matches at once, without a
full run, and the officer sees them in the verification queue."""

import datetime

import pytest
from django.urls import reverse

from geliat.dedup import engine
from geliat.dedup.models import BlockKey, CandidatePair
from geliat.dedup.services import candidates_for_person, pair_decide_different, person_merge
from geliat.imports.services import import_file
from geliat.registry.models import AffectedGroup, Channel, KbliSection, Person, Registration
from geliat.registry.nik import nik_make
from geliat.registry.services import registration_submit, registrations_announce
from geliat.verification.selectors import queue_for_user
from tests.dedup.test_workflow_support import BORN, GERBO, GERBO_RT, nik, officer, twins, typo
from tests.factories import TEST_PASSWORD, BusinessFactory
from tests.imports.conftest import OFFICE_HEADERS, csv_bytes, office_row

GERBO_RT3 = GERBO + ".D01.RW001.RT003"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _business(region) -> dict:
    return {
        "name": "Warung Pecel Bu Yati", "affected_group": AffectedGroup.FOOD_STALL, "kbli_section": KbliSection.I,
        "address": "Jl. Raya Gerbo 12", "region": region,
    }


def _register(actor, known: Person, **changes):
    """An officer registers the known person again, written differently (the NIK mistyped)."""
    data = {
        "nik": typo(known.nik), "full_name": "Muhamad Soleh", "sex": known.sex, "birth_place": "",
        "birth_date": known.birth_date, "phone": known.phone, "address": "Jl Raya Gerbo 12",
        "rt": known.rt, "rw": known.rw, "region": known.region,
    }
    data.update(changes)
    return registration_submit(
        person_data=data, business_data=_business(known.region), channel=Channel.OFFICER, actor=actor
    )


@pytest.fixture
def known(regions):
    """A man already in the registry (his keys stored, as entry or a run would have)."""
    person, _other = twins()
    _other.delete()
    candidates_for_person(person)
    return person


def test_a_new_registration_gets_its_match_at_once(known):
    """Registering the same man again under a mistyped NIK opens a pair with him, no run needed."""
    registration = _register(officer(GERBO_RT), known)
    pair = CandidatePair.objects.get()
    assert {pair.left_id, pair.right_id} == {known.pk, registration.person_id}
    assert (pair.status, pair.source) == ("open", "entry") and pair.probability >= 0.9


def test_a_namesake_born_another_year_is_not_a_candidate(known):
    """Same name and desa, different birth date, NIK, phone: no pair for the officer to wade through."""
    born = datetime.date(1962, 11, 2)
    _register(
        officer(GERBO_RT), known, nik=nik_make(kecamatan_code="35.14.01", birth_date=born, sex="L", serial=4321),
        birth_date=born, phone="+6285211122233", full_name="Moch. Sholeh",
    )
    assert not CandidatePair.objects.filter(status="open").exists()


def test_the_new_record_appears_in_the_verification_queue_as_a_suspected_duplicate(known, client):
    """The RT officer's queue filter "diduga data ganda" shows the record, with a badge linking to the pair."""
    rt_officer = officer(GERBO_RT)
    registration = _register(rt_officer, known)
    other_born = datetime.date(1991, 2, 3)
    plain = _register(rt_officer, known, nik=nik(born=other_born, sex="P"), full_name="Sri Wahyuni", sex="P",
                      birth_date=other_born, phone="+6285799900099")
    waiting = {v.registration_id for v in queue_for_user(rt_officer)}
    assert {registration.pk, plain.pk} <= waiting
    suspected = {v.registration_id for v in queue_for_user(rt_officer, duplicates=True)}
    assert registration.pk in suspected and plain.pk not in suspected

    client.login(username=rt_officer.username, password=TEST_PASSWORD)
    response = client.get(reverse("verification:queue"), {"duplicates": "on"})
    body = response.content.decode()
    pair = CandidatePair.objects.get(status="open", right_id=registration.person_id)
    assert reverse("dedup:pair", args=[pair.pk]) in body and "Diduga data ganda" in body
    assert "Sri Wahyuni" not in body


def test_a_settled_pair_leaves_the_suspected_duplicates_filter(known):
    rt_officer = officer(GERBO_RT)
    registration = _register(rt_officer, known)
    pair = CandidatePair.objects.get()
    pair_decide_different(actor=officer(GERBO), pair_id=pair.pk, expected_version=pair.version)
    assert registration.pk not in {v.registration_id for v in queue_for_user(rt_officer, duplicates=True)}


def test_finding_candidates_again_replaces_a_persons_keys(known):
    """Looking again (after an edit, a second business) stores the person's current keys once, not twice."""
    keys = set(BlockKey.objects.filter(person=known).values_list("key", flat=True))
    candidates_for_person(known)  # again: the keys are replaced, not added twice
    assert set(BlockKey.objects.filter(person=known).values_list("key", flat=True)) == keys


def test_an_imported_file_gets_candidates_within_and_against_the_registry(regions, tmp_path):
    """Rows of one import find each other (the same man twice under two NIKs) and a person already registered."""
    desa_officer = officer(GERBO)
    rows = [
        office_row(1, **{"Nama Lengkap": "Moch. Sholeh", "NIK": _nik(1), "Tanggal Lahir": "17/05/1980",
                         "No. HP/WA": "081234500011", "RT": "001"}),
        office_row(2, **{"Nama Lengkap": "MUHAMMAD SHOLEH", "NIK": typo(_nik(1)), "Tanggal Lahir": "17/05/1980",
                         "No. HP/WA": "081234500011", "RT": "001"}),
        office_row(3, **{"Nama Lengkap": "Sri Wahyuni", "NIK": _nik(3, sex="P", born=datetime.date(1991, 2, 3)),
                         "Jenis Kelamin": "Perempuan", "Tanggal Lahir": "03/02/1991", "No. HP/WA": "085799900022"}),
    ]
    path = tmp_path / "daftar.csv"
    path.write_bytes(csv_bytes(OFFICE_HEADERS, rows))
    job = import_file(actor=desa_officer, path=path)
    assert job.created == 3, job.error
    pair = CandidatePair.objects.get()
    names = {pair.left.full_name, pair.right.full_name}
    assert names == {"Moch. Sholeh", "MUHAMMAD SHOLEH"} and pair.source == "import"


def test_a_large_batch_is_deferred_to_a_task_after_commit(regions, settings, django_capture_on_commit_callbacks):
    """Above GELIAT_DEDUP_ENTRY_INLINE people, candidates are found by a background task once the batch commits."""
    settings.GELIAT_DEDUP_ENTRY_INLINE = 1
    first, second = twins()
    registrations = []
    for person in (first, second):
        business = BusinessFactory(owner=person, region=person.region)
        registrations.append(Registration.objects.create(person=person, business=business, channel=Channel.IMPORT))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registrations_announce(registration_ids=[r.pk for r in registrations])
    assert not CandidatePair.objects.exists() and len(callbacks) == 1
    callbacks[0]()  # the commit: the task runs (inline in tests)
    assert CandidatePair.objects.get().source == "import"


def _nik(serial: int, *, sex: str = "L", born: datetime.date = BORN) -> str:
    return nik_make(kecamatan_code="35.14.01", birth_date=born, sex=sex, serial=serial)


def test_keys_are_not_kept_for_a_merged_away_record(regions):
    first, second = twins(region=GERBO_RT3)
    candidates_for_person(first)
    candidates_for_person(second)
    person_merge(actor=officer(GERBO), survivor=first, absorbed=second)
    assert not BlockKey.objects.filter(person=second).exists()
    assert BlockKey.objects.filter(person=first).exists()


def test_a_failing_duplicate_check_never_blocks_a_registration(known, monkeypatch):
    """Should the check break, the registration is still saved (and the next run finds its matches)."""
    def broken(*args, **kwargs):
        raise RuntimeError("model file unreadable")

    monkeypatch.setattr(engine, "score_candidates", broken)
    registration = _register(officer(GERBO_RT), known)
    assert Person.objects.filter(pk=registration.person_id).exists()
    assert not CandidatePair.objects.exists()
