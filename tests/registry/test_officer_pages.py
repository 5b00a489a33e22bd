"""Officers' pages: scope per level (out of scope = 404), masking, audited reveal, history, edits."""

import datetime

import pytest
from django.urls import reverse

from geliat.accounts.models import Role
from geliat.audit.models import AuditEvent
from geliat.registry.models import Business, Person
from geliat.registry.nik import nik_make
from tests.factories import TEST_PASSWORD, BusinessFactory, PersonFactory, UserFactory, region_node

GERBO = "35.14.01.2001"
RT1 = GERBO + ".RW001.RT001"
RT2 = GERBO + ".RW001.RT002"
OTHER_DESA = "35.14.01.2002"
OTHER_KECAMATAN_DESA = "35.14.02.2001"


@pytest.fixture
def records(regions):
    """One business in each of: RT 1 and RT 2 of Gerbo, another desa, another kecamatan."""
    return {
        code: BusinessFactory(region=region_node(code), name=f"Usaha {code}")
        for code in (RT1, RT2, OTHER_DESA, OTHER_KECAMATAN_DESA)
    }


def login(client, region_code, **kwargs):
    user = UserFactory.at(region_code, **kwargs)
    client.login(username=user.username, password=TEST_PASSWORD)
    return user


# Which of the four records each level sees.
SCOPES = [
    (RT1, {RT1}),
    (GERBO + ".RW001", {RT1, RT2}),
    (GERBO, {RT1, RT2}),
    ("35.14.01", {RT1, RT2, OTHER_DESA}),
    ("35.14", {RT1, RT2, OTHER_DESA, OTHER_KECAMATAN_DESA}),
]


@pytest.mark.parametrize(("scope", "visible"), SCOPES)
def test_business_list_and_detail_follow_the_officers_region(client, records, scope, visible):
    login(client, scope)
    html = client.get(reverse("registry:business_list")).content.decode()
    for code, business in records.items():
        detail = client.get(reverse("registry:business_detail", args=[business.pk]))
        edit = client.get(reverse("registry:business_edit", args=[business.pk]))
        if code in visible:
            assert business.name in html
            assert detail.status_code == 200 and edit.status_code == 200
        else:
            assert business.name not in html
            assert detail.status_code == 404 and edit.status_code == 404


@pytest.mark.parametrize(("scope", "visible"), SCOPES)
def test_people_list_and_detail_follow_the_officers_region(client, records, scope, visible):
    login(client, scope)
    html = client.get(reverse("registry:person_list")).content.decode()
    for code, business in records.items():
        owner = business.owner
        detail = client.get(reverse("registry:person_detail", args=[owner.pk]))
        if code in visible:
            assert owner.full_name in html and detail.status_code == 200
        else:
            assert owner.full_name not in html and detail.status_code == 404


def test_missing_and_out_of_scope_records_look_the_same(client, records):
    login(client, RT1)
    outside = client.get(reverse("registry:business_detail", args=[records[RT2].pk]))
    missing = client.get(reverse("registry:business_detail", args=[999_999]))
    assert outside.status_code == missing.status_code == 404


def test_owner_living_elsewhere_is_visible_through_their_business(client, regions):
    owner = PersonFactory(region=region_node(OTHER_KECAMATAN_DESA))
    BusinessFactory(owner=owner, region=region_node(RT1))
    login(client, RT1)
    assert client.get(reverse("registry:person_detail", args=[owner.pk])).status_code == 200


def test_pages_need_login(client, records):
    response = client.get(reverse("registry:business_list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_nik_and_phone_are_masked_until_revealed_and_each_reveal_is_audited(client, records):
    user = login(client, GERBO)
    owner = records[RT1].owner
    listing = client.get(reverse("registry:person_list")).content.decode()
    detail = client.get(reverse("registry:person_detail", args=[owner.pk])).content.decode()
    for html in (listing, detail):
        assert owner.nik not in html and owner.phone not in html
        assert owner.nik[:6] in html and owner.nik[-4:] in html
    revealed = client.post(reverse("registry:person_reveal", args=[owner.pk])).content.decode()
    assert owner.nik in revealed and owner.phone in revealed
    event = AuditEvent.objects.get(action="view_pii")
    assert event.actor == user and event.object_id == str(owner.pk)


def test_reveal_out_of_scope_is_404_and_not_audited(client, records):
    login(client, RT1)
    response = client.post(reverse("registry:person_reveal", args=[records[OTHER_DESA].owner.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="view_pii").exists()


def edit_data(business, **overrides):
    data = {
        "name": business.name, "affected_group": business.affected_group, "kbli_section": business.kbli_section,
        "address": business.address, "rt": business.rt, "rw": business.rw, "region": business.region_id[:13],
        "version": business.version,
    }
    data.update(overrides)
    return data


def test_edit_keeps_who_when_before_and_after(client, records):
    user = login(client, GERBO)
    business = records[RT1]
    response = client.post(
        reverse("registry:business_edit", args=[business.pk]), edit_data(business, name="Warung Baru", revenue_now="2 juta")
    )
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.name == "Warung Baru" and business.revenue_now == 2_000_000 and business.version == 2
    event = AuditEvent.objects.get(action="update", object_type="registry.business")
    assert event.actor == user
    assert event.before["name"] == f"Usaha {RT1}" and event.after["name"] == "Warung Baru"
    history = client.get(reverse("registry:business_detail", args=[business.pk])).content.decode()
    assert "Warung Baru" in history and user.username in history


def test_stale_edit_is_refused_and_keeps_what_was_typed(client, records):
    login(client, GERBO)
    business = records[RT1]
    opened_version = business.version
    client.post(reverse("registry:business_edit", args=[business.pk]), edit_data(business, name="Simpanan Pertama"))
    response = client.post(
        reverse("registry:business_edit", args=[business.pk]),
        edit_data(business, name="Simpanan Kedua", version=opened_version),
    )
    assert response.status_code == 200
    assert "baru saja diubah oleh orang lain" in response.content.decode()
    assert "Simpanan Kedua" in response.content.decode()
    business.refresh_from_db()
    assert business.name == "Simpanan Pertama"


def test_officer_cannot_move_a_record_outside_their_region(client, records):
    login(client, GERBO)
    business = records[RT1]
    response = client.post(reverse("registry:business_edit", args=[business.pk]), edit_data(business, region=OTHER_DESA))
    assert response.status_code == 200
    assert "di luar wilayah tugas Anda" in response.content.decode()
    business.refresh_from_db()
    assert business.region_id == RT1


def officer_form(nik, **overrides):
    data = {
        "p-nik": nik, "p-full_name": "Slamet Riyadi", "p-sex": "L", "p-birth_date": "1970-01-02",
        "p-address": "Dusun Krajan", "p-rt": "1", "p-rw": "1", "p-region": GERBO,
        "b-name": "Becak Pak Slamet", "b-affected_group": "7", "b-kbli_section": "H", "b-same_address": "on",
    }
    data.update(overrides)
    return data


def test_officer_registers_a_business_into_the_existing_rt(client, records):
    user = login(client, GERBO)
    nik = nik_make(kecamatan_code="35.14.01", birth_date=datetime.date(1970, 1, 2), sex="L", serial=7)
    response = client.post(reverse("registry:officer_register"), officer_form(nik))
    assert response.status_code == 302
    business = Business.objects.get(name="Becak Pak Slamet")
    assert business.region_id == RT1, "typed RT/RW resolve to the desa's own RT unit"
    assert business.created_by == user
    assert business.registrations.get().channel == "officer"


def test_registered_nik_leads_the_officer_to_the_existing_record(client, records):
    login(client, GERBO)
    owner = records[RT1].owner
    response = client.post(reverse("registry:officer_register"), officer_form(owner.nik))
    html = response.content.decode()
    assert reverse("registry:person_detail", args=[owner.pk]) in html
    assert reverse("registry:business_add", args=[owner.pk]) in html
    check = client.get(reverse("registry:nik_check"), {"p-nik": owner.nik}).content.decode()
    assert reverse("registry:person_detail", args=[owner.pk]) in check
    assert Person.objects.filter(nik=owner.nik).count() == 1


def test_registered_nik_outside_scope_is_not_shown_to_the_officer(client, records):
    login(client, RT1)
    owner = records[OTHER_DESA].owner
    html = client.get(reverse("registry:nik_check"), {"p-nik": owner.nik}).content.decode()
    assert "sudah terdaftar di wilayah lain" in html and owner.full_name not in html


def test_one_owner_may_have_several_businesses(client, records):
    login(client, GERBO)
    owner = records[RT1].owner
    response = client.post(
        reverse("registry:business_add", args=[owner.pk]),
        {"name": "Katering Kedua", "affected_group": "2", "kbli_section": "I", "address": "Jl. Kedua", "region": GERBO},
    )
    assert response.status_code == 302
    assert owner.businesses.count() == 2


def test_agency_user_serving_the_regency_sees_all(client, records):
    login(client, "35.14", role=Role.AGENCY)
    html = client.get(reverse("registry:business_list")).content.decode()
    assert all(b.name in html for b in records.values())


def test_list_filters_by_name_region_and_group(client, records):
    login(client, "35.14")
    html = client.get(reverse("registry:business_list"), {"region": "35.14.02"}).content.decode()
    assert records[OTHER_KECAMATAN_DESA].name in html and records[RT1].name not in html
    partial = client.get(reverse("registry:business_list"), {"q": records[RT2].name}, HTTP_HX_REQUEST="true")
    assert records[RT2].name in partial.content.decode() and "<html" not in partial.content.decode()


@pytest.mark.parametrize("url_name", ["registry:business_list", "registry:person_list"])
def test_list_queries_do_not_grow_with_rows(client, regions, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, GERBO)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(url_name)).status_code == 200
        return len(captured)

    for _ in range(2):
        BusinessFactory(region=region_node(RT1))
    few = queries()
    for _ in range(20):
        BusinessFactory(region=region_node(RT2))
    assert queries() == few
