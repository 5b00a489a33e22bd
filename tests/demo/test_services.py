"""Writing synthetic registrants into the registry, and the demo logins."""

import collections

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count, F

from geliat.accounts.models import Role, User
from geliat.audit.models import AuditEvent
from geliat.demo.services import (
    DEMO_PASSWORD,
    demo_accounts_ensure,
    demo_populate,
    demo_reach_populate,
)
from geliat.registry.models import Business, Channel, Koperasi, Person, Registration
from geliat.registry.nik import nik_check
from geliat.registry.selectors import businesses_for_user
from geliat.registry.sizing import business_size
from geliat.wilayah.models import Level, Region
from geliat.wilayah.text import name_key
from geliat.wilayah.units import unit_number


@pytest.fixture
def populated(regions):
    return demo_populate(people=400, seed=5, duplicate_rate=0.2)


def test_counts_match_what_was_written(populated):
    """The summary reports what is in the database afterwards."""
    assert populated.people == Person.objects.count()
    assert populated.businesses == Business.objects.count() == Registration.objects.count()
    assert populated.koperasi == Koperasi.objects.count() > 0
    assert populated.people >= 400  # a mistyped NIK makes a second, false person
    assert populated.duplicates > 40


def test_every_registration_ties_a_person_to_their_business(populated):
    """Each registration names the business's owner; self-registrations carry consent."""
    mismatched = Registration.objects.exclude(person=F("business__owner"))
    assert not mismatched.exists()
    channels = set(Registration.objects.values_list("channel", flat=True))
    assert channels == {Channel.IMPORT, Channel.OFFICER, Channel.SELF}
    self_registered = Registration.objects.filter(channel=Channel.SELF)
    assert not self_registered.filter(consent_at__isnull=True).exists()


def test_a_repeated_nik_adds_a_business_to_the_same_person(populated):
    """Duplicate rows with an unchanged NIK do not create a second person."""
    several = Person.objects.annotate(n=Count("businesses")).filter(n__gt=1)
    assert several.count() > 40
    assert Person.objects.values("nik").distinct().count() == Person.objects.count()


def test_people_and_businesses_sit_in_rt_units_inside_the_regency(populated):
    """Each record's region is the RT unit its written RT/RW numbers name, in the regency."""
    for model in (Person, Business, Koperasi):
        assert not model.objects.exclude(region__code__startswith="35.14.").exists()
        assert set(model.objects.values_list("region__level", flat=True)) == {Level.RT}
    for person in Person.objects.select_related("region__parent")[:200]:
        assert unit_number(person.rt) == unit_number(person.region.code.rsplit(".RT", 1)[1])
        assert unit_number(person.rw) == unit_number(person.region.parent.code.rsplit(".RW", 1)[1])
    # Spread over the regency, not piled in one place.
    assert Person.objects.values("region__parent__parent").distinct().count() > 100


def test_rt_units_hang_under_rw_units_of_their_desa(populated):
    """Units made in bulk have the same shape and search key as those the region service makes."""
    for rt in Region.objects.filter(level=Level.RT).select_related("parent__parent"):
        assert rt.parent.level == Level.RW
        assert rt.parent.parent.level in (Level.DESA, Level.DUSUN)
        assert rt.name_key == name_key(rt.name)


def test_business_size_and_name_keys_are_filled_despite_bulk_insert(populated):
    """Fields save() would compute are set although bulk_create skips save()."""
    for business in Business.objects.all():
        assert business.size == business_size(capital=business.capital, annual_sales=business.annual_sales)
    sizes = collections.Counter(Business.objects.values_list("size", flat=True))
    assert sizes["mikro"] > sum(sizes.values()) * 0.9
    for person in Person.objects.all():
        assert person.name_key == name_key(person.full_name) != ""


def test_invalid_niks_are_left_out_and_warnings_kept(regions):
    """As an import would: rows whose NIK fails the check are skipped, and people
    registered with a mistyped but valid NIK carry the check's warnings."""
    result = demo_populate(people=1500, seed=9, duplicate_rate=0.5)
    assert result.rejected > 0
    for person in Person.objects.all():
        check = nik_check(person.nik, sex=person.sex, birth_date=person.birth_date)
        assert check.valid, (person.nik, check.errors)
        assert person.nik_warnings == check.warnings
    assert Person.objects.exclude(nik_warnings=[]).exists()


def test_the_demo_rt_gets_records(populated):
    """The demo RT (under a dusun of a Purwodadi desa) has businesses for its officer."""
    unit = Region.objects.get(level=Level.RT, parent__parent__level=Level.DUSUN, code__startswith="35.14.01.")
    assert Business.objects.filter(region=unit).count() >= 3


def test_running_the_same_seed_again_adds_no_people(populated):
    """Every NIK is already registered, so the rows attach to the existing people."""
    people = Person.objects.count()
    again = demo_populate(people=400, seed=5, duplicate_rate=0.2)
    assert again.people == 0
    assert Person.objects.count() == people
    assert again.koperasi == 0  # same legal numbers: the existing koperasi are reused
    assert Business.objects.count() == populated.businesses + again.businesses


def test_one_audit_event_for_the_run(regions):
    """The run is audited once, with its counts, not once per row."""
    before = AuditEvent.objects.count()
    demo_populate(people=50, seed=2)
    events = AuditEvent.objects.filter(object_type="demo")
    assert events.count() == 1
    event = events.get()
    assert event.actor_label == "sistem" and event.action == AuditEvent.Action.CREATE
    assert event.after["people"] == Person.objects.count()
    # Besides it, only the demo dusun/RW/RT made through the region service are audited.
    assert AuditEvent.objects.count() - before <= 4


def test_regions_must_be_loaded_first(db):
    """Without the region table the writer says which command to run, and writes nothing."""
    with pytest.raises(ValidationError, match="geliat wilayah load"):
        demo_populate(people=10)
    assert not Person.objects.exists()


def test_people_must_be_positive(regions):
    """Zero people is refused with a message naming the value."""
    with pytest.raises(ValidationError, match="Jumlah orang"):
        demo_populate(people=0)


# Demo accounts

EXPECTED = {
    "demo.koordinator": (Role.COORDINATOR, Level.KABUPATEN),
    "demo.opd": (Role.AGENCY, Level.KABUPATEN),
    "demo.kabupaten": (Role.OFFICER, Level.KABUPATEN),
    "demo.kecamatan": (Role.OFFICER, Level.KECAMATAN),
    "demo.desa": (Role.OFFICER, Level.DESA),
    "demo.dusun": (Role.OFFICER, Level.DUSUN),
    "demo.rw": (Role.OFFICER, Level.RW),
    "demo.rt": (Role.OFFICER, Level.RT),
}


def test_one_account_per_level_on_one_chain(regions):
    """Coordinator, OPD and an officer at each level, each officer inside the one above."""
    logins = demo_accounts_ensure()
    assert [login.username for login in logins] == list(EXPECTED)
    assert all(login.created and login.password == DEMO_PASSWORD for login in logins)
    users = {u.username: u for u in User.objects.select_related("region", "agency")}
    for username, (role, level) in EXPECTED.items():
        assert users[username].role == role
        assert users[username].region.level == level
        assert users[username].check_password(DEMO_PASSWORD)
    # Each officer's region lies directly inside the next one up.
    chain = ["demo.rt", "demo.rw", "demo.dusun", "demo.desa", "demo.kecamatan", "demo.kabupaten"]
    for lower, upper in zip(chain, chain[1:], strict=False):
        assert users[lower].region.parent == users[upper].region
    assert users["demo.kabupaten"].region.code == "35.14"
    assert users["demo.kecamatan"].region.code == "35.14.01"  # Purwodadi
    assert not users["demo.desa"].region.is_kelurahan
    assert users["demo.koordinator"].can_manage_accounts
    assert users["demo.opd"].agency.name == "Dinas Koperasi dan Usaha Mikro"
    assert not any(users[name].can_manage_accounts for name in chain)


def test_rerunning_creates_nothing_new(regions):
    """A second run finds the accounts and units already there."""
    demo_accounts_ensure()
    counts = (User.objects.count(), Region.objects.count())
    logins = demo_accounts_ensure()
    assert not any(login.created for login in logins)
    assert (User.objects.count(), Region.objects.count()) == counts


def test_officers_see_the_demo_records_of_their_region(regions):
    """Every demo officer has records to work on, fewer the lower the level."""
    demo_accounts_ensure()
    demo_populate(people=300, seed=4)
    users = User.objects.filter(username__startswith="demo.").select_related("region")
    seen = {u.username: businesses_for_user(u).count() for u in users}
    assert seen["demo.rt"] > 0
    assert seen["demo.rt"] <= seen["demo.rw"] <= seen["demo.dusun"] <= seen["demo.desa"] <= seen["demo.kecamatan"]
    assert seen["demo.kecamatan"] < seen["demo.kabupaten"] == Business.objects.count()


def test_demo_accounts_can_log_in(regions, client):
    """The published password works."""
    demo_accounts_ensure()
    assert client.login(username="demo.rt", password=DEMO_PASSWORD)


def test_an_existing_dusun_is_reused(regions):
    """A demo desa that already keeps dusun gets its RW/RT under the first one."""
    from geliat.wilayah.services import unit_get_or_create

    desa = Region.objects.get(code="35.14.01.2002")
    unit_get_or_create(desa=desa, dusun="Sumberejo")
    logins = {login.username: login for login in demo_accounts_ensure()}
    assert logins["demo.dusun"].region.startswith("Dusun Sumberejo, Desa Dawuhansengon")
    rt = User.objects.get(username="demo.rt").region
    assert rt.parent.parent.name == "Sumberejo"


def test_the_demo_has_verified_and_reached_businesses_and_work_left_in_the_demo_desa(regions):
    """After the demo, part of the list is verified by the kabupaten officer and the online-marketing
    programme has recipients and deliveries, so dashboards and gap reports show something; the demo
    desa's records still wait for its RT officer."""
    from geliat.programmes.models import Delivery, Enrolment
    from geliat.verification.models import Verification
    from geliat.verification.selectors import queue_for_user

    demo_populate(people=300, seed=4)
    reach = demo_reach_populate()

    verified = Verification.objects.filter(status=Verification.Status.VERIFIED).count()
    assert verified == reach.verified > 0
    assert Enrolment.objects.filter(programme__code="pemasaran-daring").count() == reach.enrolled > 0
    assert Delivery.objects.count() == reach.delivered > 0
    assert Verification.objects.filter(status=Verification.Status.WAITING, node_code="35.14").exists()
    assert queue_for_user(User.objects.get(username="demo.rt")).exists()
